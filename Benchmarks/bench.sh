#!/usr/bin/env bash
# Times Maquette's commands on a programme made of COPIES copies of Plans/ (9 operations each,
# envelopes removed so that every copy stays legal). Prints a Markdown table of the median wall
# time of RUNS runs and the peak memory, measured with GNU time in one run of this script.
#   Benchmarks/bench.sh [COPIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES=${1:-112}
RUNS=${2:-3}
BIN=.build/release/maquette
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/plans/operations" "$work/plans/scenarios"
cp Plans/programme.yaml "$work/plans/"
sed '/^enveloppes:/,$d' Plans/financeurs.yaml > "$work/plans/financeurs.yaml"
for i in $(seq 1 "$COPIES"); do
  for f in Plans/operations/*.yaml; do
    name=$(basename "$f" .yaml)
    sed "s/^id: $name\$/id: $name-$i/" "$f" > "$work/plans/operations/$name-$i.yaml"
  done
done
ops=$(ls "$work/plans/operations" | wc -l)

measure() { # label, command...
  local label=$1; shift
  local times=() mem=0
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>&1 || true
    read -r t m < "$work/t"
    times+=("$t"); (( m > mem )) && mem=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '| %s | %s s | %d MiB |\n' "$label" "$median" $(( mem / 1024 ))
}

echo "Programme: $ops operations ($COPIES copies of Plans/), median of $RUNS runs, $(nproc) cores."
echo
echo "| command | median wall time | peak memory |"
echo "|---|---|---|"
measure "verifier (read + check)" $BIN verifier "$work/plans"
measure "exporter (all sheets)" $BIN exporter "$work/plans" -o "$work/out.xlsx"
measure "tresorerie" $BIN tresorerie "$work/plans"
measure "simuler --tirages 1000" $BIN simuler "$work/plans" --tirages 1000 --graine 42
measure "optimiser --solveur clp" $BIN optimiser "$work/plans" -o "$work/plans/scenarios/o.yaml" --solveur clp
measure "optimiser --solveur glpk" $BIN optimiser "$work/plans" -o "$work/plans/scenarios/o.yaml" --solveur glpk
