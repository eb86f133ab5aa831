#!/usr/bin/env bash
# Maquette's benchmark suite: synthetic programmes of N operations (`maquette generer`), each
# measurement the median of RUNS runs, with the references measured in the same run:
#   - read + check (`verifier`) against PyYAML's C loader merely parsing the same files, and
#     against libyaml's event parser alone over the same files on two threads (the floor);
#   - export of the Synthèse, Financeurs and Contrôles sheets (Maquette's model + writing phases)
#     against a C program writing the same cells with libxlsxwriter, and Python's XlsxWriter and
#     openpyxl writing them too; the full workbook (one sheet per operation) against the same C
#     program, up to FULL_MAX operations;
#   - treasury, Monte-Carlo (10 000 draws), and the optimiser at 1 000 operations.
# Usage: Benchmarks/bench.sh [SIZES] [RUNS]   e.g. Benchmarks/bench.sh "1000 10000 50000" 3
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${1:-"1000 10000 50000"}
RUNS=${2:-3}
BIN=$PWD/.build/release/maquette
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/write_cells" Benchmarks/references/write_cells.c $(pkg-config --cflags --libs xlsxwriter)
cc -O2 -o "$work/yaml_events" Benchmarks/references/yaml_events.c $(pkg-config --cflags --libs yaml-0.1) -lpthread

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# wall seconds and peak KiB of a command, RUNS times: prints "median_seconds max_kib"
timed() {
  local t=() mem=0
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || true
    read -r s m < <(tail -1 "$work/t"); t+=("$s"); (( m > mem )) && mem=$m
  done
  echo "$(printf '%s\n' "${t[@]}" | median) $mem"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "–" }'; }
# Wall seconds of one run of a command, to the millisecond (`time`'s %e has 10 ms steps: too
# coarse for the parser's 0.03 s at 1 000 operations).
wall() {
  local start=${EPOCHREALTIME/,/.} end
  "$@" >/dev/null 2>&1 || true
  end=${EPOCHREALTIME/,/.}
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

echo "Machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(swift --version 2>/dev/null | head -1); libxlsxwriter $(dpkg-query -W -f '${Version}' libxlsxwriter-dev); $(python3 -c 'import yaml, xlsxwriter, openpyxl; print("PyYAML", yaml.__version__, "XlsxWriter", xlsxwriter.__version__, "openpyxl", openpyxl.__version__)')"
# The allocator is part of what is measured (Package.swift links tcmalloc into the executable).
allocator=$(ldd "$BIN" | awk '/libtcmalloc/ {print $1; exit}')
[ -n "$allocator" ] || { echo "maquette is not linked with tcmalloc: the figures would not be those of the product" >&2; exit 1; }
echo "Allocator: $allocator (gperftools $(dpkg-query -W -f '${Version}' libgoogle-perftools-dev))."
echo "Median of $RUNS runs; memory is the peak resident set of the whole command."
echo
echo "| N | measure | Maquette | reference | ratio | Maquette peak memory |"
echo "|---|---|---|---|---|---|"
for N in $SIZES; do
  plans="$work/p$N"
  $BIN generer --operations "$N" --graine 1 -o "$plans" >/dev/null
  read -r check mem < <(timed $BIN verifier "$plans")
  read -r pyyaml _ < <(timed python3 Benchmarks/references/pyyaml_parse.py "$plans")
  echo "| $N | read + check (verifier) | $check s | $pyyaml s (PyYAML C loader, parse only) | $(ratio "$check" "$pyyaml") | $((mem / 1024)) MiB |"
  # Against libyaml's event parser: runs interleaved, the ratio the median of each verifier run's
  # against the parser run beside it (READ_RUNS pairs, 3 × RUNS by default), as for the export:
  # this machine's speed drifts by a third from one minute to the next. The parser is timed as
  # built (the system's malloc) and with tcmalloc, the allocator Maquette is linked with, preloaded.
  tcmalloc=$(ldd "$BIN" | awk '/libtcmalloc/ {print $3}')
  [ -f "$tcmalloc" ] || { echo "tcmalloc not found for $BIN ($tcmalloc)" >&2; exit 1; }
  v=(); e=(); et=(); pairs=(); tpairs=()
  for _ in $(seq 1 "${READ_RUNS:-$((3 * RUNS))}"); do
    v+=("$(wall $BIN verifier "$plans")")
    e+=("$(wall "$work/yaml_events" "$plans" 2)")
    et+=("$(wall env LD_PRELOAD="$tcmalloc" "$work/yaml_events" "$plans" 2)")
    pairs+=("$(ratio "${v[-1]}" "${e[-1]}")"); tpairs+=("$(ratio "${v[-1]}" "${et[-1]}")")
  done
  events=$(printf '%s\n' "${e[@]}" | median)
  echo "| $N | … against libyaml's event parser alone (C, 2 threads, building nothing; ratio: median of ${#pairs[@]} verifier runs each against the parser run beside it) | $(printf '%s\n' "${v[@]}" | median) s | $events s | $(printf '%s\n' "${pairs[@]}" | median) | |"
  echo "| $N | … the parser with tcmalloc preloaded, as Maquette allocates | | $(printf '%s\n' "${et[@]}" | median) s | $(printf '%s\n' "${tpairs[@]}" | median) | |"

  # Export: Maquette's own model + writing phases, and the same cells written by the C
  # program, runs interleaved so that both meet the same load; then the Python references.
  MAQUETTE_DUMP_CELLS="$work/cells" $BIN exporter "$plans" -o "$work/m.xlsx" --feuilles synthese,financeurs,controles >/dev/null 2>&1 || true
  # The ratio is the median of each run's against the C run beside it (this machine's speed
  # drifts by ±10 % from minute to minute); EXPORT_RUNS pairs, 3 × RUNS by default.
  phases=(); c=(); pairs=(); waits=()
  for _ in $(seq 1 "${EXPORT_RUNS:-$((3 * RUNS))}"); do
    MAQUETTE_TIMINGS=1 $BIN exporter "$plans" -o "$work/m.xlsx" --feuilles synthese,financeurs,controles 2>"$work/phases" >/dev/null || true
    phases+=("$(grep temps "$work/phases" | sed 's/.*modèle=\([0-9.]*\) écriture=\([0-9.]*\).*/\1 \2/' | awk '{print $1 + $2}')")
    waits+=("$(grep temps "$work/phases" | sed 's/.*attente=\([0-9.]*\).*/\1/')")
    c+=("$("$work/write_cells" "$work/cells" "$work/c.xlsx")")
    pairs+=("$(ratio "${phases[-1]}" "${c[-1]}")")
  done
  export_m=$(printf '%s\n' "${phases[@]}" | median)
  c_time=$(printf '%s\n' "${c[@]}" | median)
  pair_ratio=$(printf '%s\n' "${pairs[@]}" | median)
  read -r export_wall export_mem < <(timed $BIN exporter "$plans" -o "$work/m.xlsx" --feuilles synthese,financeurs,controles)
  echo "| $N | export: model + writing (3 sheets; ratio: median of ${#pairs[@]} runs each against its C run; the writer waited $(printf '%s\n' "${waits[@]}" | median) s for the rows' producer) | $export_m s | $c_time s (C, libxlsxwriter) | $pair_ratio | $((export_mem / 1024)) MiB |"
  xw=$(python3 Benchmarks/references/write_cells.py xlsxwriter "$work/cells" "$work/x.xlsx")
  op=$(python3 Benchmarks/references/write_cells.py openpyxl "$work/cells" "$work/o.xlsx")
  echo "| $N | … Python XlsxWriter, openpyxl writing the same cells | | $xw s, $op s | $(ratio "$export_m" "$xw"), $(ratio "$export_m" "$op") | |"
  # The full workbook, one sheet per operation, against the C program writing the same cells
  # (every sheet, formulas and formatted blanks), runs interleaved so that both meet the same
  # load; up to FULL_MAX operations (10 000 by default: one sheet each).
  if [ "$N" -le "${FULL_MAX:-10000}" ]; then
    MAQUETTE_DUMP_CELLS="$work/cells-full" $BIN exporter "$plans" -o "$work/f.xlsx" >/dev/null 2>&1 || true
    sheets=$(grep -c '^S' "$work/cells-full")
    full=(); cfull=(); pairs=(); waits=()
    for _ in $(seq 1 "$RUNS"); do
      MAQUETTE_TIMINGS=1 $BIN exporter "$plans" -o "$work/f.xlsx" 2>"$work/phases" >/dev/null || true
      full+=("$(grep temps "$work/phases" | sed 's/.*modèle=\([0-9.]*\) écriture=\([0-9.]*\).*/\1 \2/' | awk '{print $1 + $2}')")
      waits+=("$(grep temps "$work/phases" | sed 's/.*attente=\([0-9.]*\).*/\1/')")
      cfull+=("$("$work/write_cells" "$work/cells-full" "$work/cf.xlsx")")
      pairs+=("$(ratio "${full[-1]}" "${cfull[-1]}")")
    done
    full_m=$(printf '%s\n' "${full[@]}" | median)
    full_c=$(printf '%s\n' "${cfull[@]}" | median)
    echo "| $N | export: model + writing, full workbook ($sheets sheets, one per operation; ratio: median of each run's against its C run; the writer waited $(printf '%s\n' "${waits[@]}" | median) s) | $full_m s | $full_c s (C, libxlsxwriter) | $(printf '%s\n' "${pairs[@]}" | median) | |"
  fi
  echo "| $N | whole exporter command (read, check, model, write) | $export_wall s | | | $((export_mem / 1024)) MiB |"
  echo "| $N | … its peak memory over read + check's | | | | $(((export_mem - mem) / 1024)) MiB |"
  # Re-check after editing one file, in the watch mode (`verifier --surveiller`): RUNS edits of
  # different operation files spread over the folder, first to last (a comment appended), each
  # waited for; the time is the one the command prints, from the change known (file events read)
  # to the text ready.
  $BIN verifier "$plans" --surveiller > "$work/watch" 2>&1 &
  watcher=$!
  for _ in $(seq 1 600); do grep -q "Vérifié en" "$work/watch" && break; sleep 0.2; done
  first=$(grep -m1 "Vérifié en" "$work/watch" | sed 's/.*Vérifié en \([0-9,]*\) s.*/\1/' | tr , .)
  k=0
  count=$(find "$plans/operations" -name "*.yaml" | wc -l)
  for file in $(find "$plans/operations" -name "*.yaml" | sort | awk -v n="$RUNS" -v c="$count" \
    'BEGIN { for (i = 0; i < n; i++) pick[1 + int(i * (c - 1) / (n > 1 ? n - 1 : 1))] = 1 } pick[NR]'); do
    k=$((k + 1))
    echo "# modifié" >> "$file"
    for _ in $(seq 1 600); do [ "$(grep -c "Revérifié en" "$work/watch")" -ge "$k" ] && break; sleep 0.1; done
  done
  again=$(grep "Revérifié en" "$work/watch" | sed 's/.*Revérifié en \([0-9,]*\) s.*/\1/' | tr , . | median)
  kill "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  echo "| $N | re-check after editing one file (--surveiller) | $again s | $first s (first check, same process) | $(ratio "$again" "$first") | |"
  read -r t mem < <(timed $BIN tresorerie "$plans")
  echo "| $N | tresorerie | $t s | | | $((mem / 1024)) MiB |"
  read -r t mem < <(RUNS=1 timed $BIN simuler "$plans" --tirages 10000 --graine 42)
  echo "| $N | simuler --tirages 10000 | $t s | | | $((mem / 1024)) MiB |"
  # Memory that does not grow with the draws: four times as many, the same peak.
  if [ "$N" -le 10000 ]; then
    read -r t4 mem4 < <(RUNS=1 timed $BIN simuler "$plans" --tirages 40000 --graine 42)
    echo "| $N | simuler --tirages 40000 (memory against 10 000 draws) | $t4 s | $t s (10 000 draws) | $(ratio "$t4" "$t") | $((mem4 / 1024)) MiB ($(ratio "$mem4" "$mem")× the peak of 10 000 draws) |"
  fi
  if [ "$N" -le 1000 ]; then
    read -r t mem < <(timed $BIN optimiser "$plans" -o "$work/o.yaml" --solveur clp)
    read -r g _ < <(timed $BIN optimiser "$plans" -o "$work/o.yaml" --solveur glpk)
    echo "| $N | optimiser (CLP; GLPK as reference) | $t s | $g s (GLPK) | $(ratio "$t" "$g") | $((mem / 1024)) MiB |"
  fi
  rm -rf "$plans"
done

# The shipped plans with a million draws: the peak stays that of a few thousand.
read -r t mem < <(RUNS=1 timed $BIN simuler Plans --tirages 1000000 --graine 42)
read -r t1 mem1 < <(RUNS=1 timed $BIN simuler Plans --tirages 10000 --graine 42)
echo "| Plans/ | simuler --tirages 1000000 | $t s | $t1 s (10 000 draws) | $(ratio "$t" "$t1") | $((mem / 1024)) MiB ($((mem1 / 1024)) MiB with 10 000 draws) |"
