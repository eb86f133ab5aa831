#!/usr/bin/env bash
# A long run of the structural fuzzer (Tests/MaquettePlansTests/StructuralFuzzTests.swift) before a
# release: many cases from a new seed each time. A case that traps is left in .build/fuzz-last/.
# Usage: scripts/fuzz-long.sh [CASES] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-20000}
seed=${2:-$(date +%s)}
echo "fuzz: $cases cases, seed $seed"
MAQUETTE_FUZZ_CASES=$cases MAQUETTE_FUZZ_SEED=$seed swift test --disable-swift-testing --filter StructuralFuzzTests
