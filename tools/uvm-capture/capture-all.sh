#!/usr/bin/env bash
# Builds uvm-capture and runs every plan of a folder, one capture per plan, on the GPUs each plan names (`gpu` lines:
# CUDA devices 0, 1, …). A plan that names more GPUs than this machine has is skipped and listed, not failed.
#   tools/uvm-capture/capture-all.sh <plans-folder> <out-folder> [plan-name…]
# Writes <out-folder>/<name>.jsonl and <name>.log for each plan, and machine.txt (nvidia-smi, nvcc, uname, the GPUs'
# peer topology).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plans=${1:?a folder of .plan files}
out=${2:?an output folder}
shift 2
mkdir -p "$out"
{
  date -u +%Y-%m-%dT%H:%M:%SZ
  uname -a
  nvidia-smi 2>&1
  nvidia-smi -q 2>&1 | grep -iE 'link|pcie|gen|width|driver|cuda' | head -40
  nvidia-smi topo -m 2>&1
  nvcc --version 2>&1 | tail -2
  ls /sys/module/nvidia_uvm/parameters 2>&1 | head -60
} >"$out/machine.txt" 2>&1
make -C "$here" >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
tool=$here/build/uvm-capture
if [ $# -gt 0 ]; then names=("$@"); else names=(); for p in "$plans"/*.plan; do names+=("$(basename "$p" .plan)"); done; fi
gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ')
status=0
for name in "${names[@]}"; do
  need=$(grep -c '^gpu ' "$plans/$name.plan")
  if [ "$need" -gt "$gpus" ]; then
    echo "skip $name: its plan runs on $need GPUs, this machine has $gpus"
    continue
  fi
  start=$(date +%s%N)
  if timeout 120 "$tool" "$plans/$name.plan" -o "$out/$name.jsonl" 2>"$out/$name.log"; then
    echo "ok   $name $(wc -l <"$out/$name.jsonl") lines $(du -k "$out/$name.jsonl" | cut -f1) KiB $(( ($(date +%s%N) - start) / 1000000 )) ms"
  else
    echo "FAIL $name (status $?): $(tail -3 "$out/$name.log")"
    status=1
  fi
done
exit $status
