#!/usr/bin/env bash
# Copy the example vault into DIR, a fresh git repository with a small history at fixed dates,
# so that the career moves netnotes reads from git show (the contract's rule 11). The example
# vault itself lives in netnotes' own repository and says `git_history: false`; the copy says
# `git_history: true`. Its history:
#
#   2026-09-01  the network so far (Aisha Okafor a recruiter at Helix Robotics)
#   2026-11-18  Aisha Okafor moved to Quillmark as a Talent Partner (a move: congratulate her)
#   2026-11-20  Ingrid Sørensen added, met through Felix Bauer (a contact added is no move)
#
# Usage:   example-vault/make-history.sh DIR
# Then:    netnotes --vault DIR due --today 2026-11-25
#          netnotes --vault DIR path "Helix Robotics" --today 2026-11-25
#
# Needs bash and git, and no git configuration of yours: the author is fixed, and no hook or
# signing program of your configuration runs.
set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
src=$(cd "$(dirname "$0")" && pwd)
dest=$1
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
    echo "$0: $dest exists and is not empty; give a new folder" >&2
    exit 2
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

in_repo() {
    git -C "$dest" -c user.name="Sam Rivera" -c user.email="sam@example.org" -c commit.gpgsign=false \
        -c core.hooksPath=/dev/null "$@"
}
commit() {  # commit DATE MESSAGE: commit every change at noon UTC on DATE
    in_repo add -A
    GIT_AUTHOR_DATE="$1T12:00:00+00:00" GIT_COMMITTER_DATE="$1T12:00:00+00:00" in_repo commit -q -m "$2"
}

cp -R "$src/." "$dest/"
rm -rf "$dest/_site" "$dest/.netnotes" "$dest/make-history.sh"
settings="$dest/netnotes.yaml"
grep -q '^git_history: false$' "$settings"
sed 's/^git_history: false$/git_history: true/' "$settings" >"$settings.new"
mv "$settings.new" "$settings"

git -c init.defaultBranch=main init -q "$dest"

# The notes as they are now wait outside the repository while older versions are committed.
later=$(mktemp -d)
trap 'rm -rf "$later"' EXIT
aisha="$dest/contacts/recruiters/aisha-okafor.md"
ingrid="$dest/contacts/ingrid-sorensen.md"
cp "$aisha" "$later/aisha-okafor.md"
mv "$ingrid" "$later/ingrid-sorensen.md"
cat >"$aisha" <<'NOTE'
---
name: Aisha Okafor
company: Helix Robotics
role: Senior Technical Recruiter
location: San Francisco, CA
email: [aisha.okafor@helixrobotics.example, aisha@okafor.example]
linkedin: https://www.linkedin.com/in/aisha-okafor-example
tags: [recruiter, in-house]
circle: wider
cadence: never
since: 2025-02-20
---
# Aisha Okafor

In-house recruiter at Helix Robotics. She reaches out when there's a fit, so no
keep-in-touch reminder. Works closely with [[Rachel Adeyemi]].

- Use the personal address after she changes jobs (she mentioned she might)
NOTE
commit 2026-09-01 "The network so far"

cp "$later/aisha-okafor.md" "$aisha"
commit 2026-11-18 "Aisha Okafor moved to Quillmark"

cp "$later/ingrid-sorensen.md" "$ingrid"
commit 2026-11-20 "Ingrid Sørensen, met through Felix Bauer"

echo "$dest: the example vault with $(in_repo rev-list --count HEAD) commits"
