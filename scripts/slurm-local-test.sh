#!/bin/bash
# A one-node Slurm cluster on this machine (Debian's munge, slurmctld, slurmd), used to
# submit an emitted sweep's job array for real and collect it. Everything it starts lives
# in a work folder (its own munge key and socket, slurm.conf, spool, state, logs) and is
# stopped by PID when it ends; nothing of the system's own Slurm or munge is touched.
#
#   scripts/slurm-local-test.sh [CLI] [MNIST_FOLDER]
#     CLI           mnist-lab-cli to run (default build/app/cli/mnist-lab-cli)
#     MNIST_FOLDER  the four MNIST files (default $MNIST_LAB_TEST_DATA or ../shared/data/mnist)
#
# Needs root (slurmd runs jobs as their user and must be root for that) and the packages
# slurmctld slurmd slurm-client munge (installed here when missing). Exit 0 when the array
# ran and `sweep --collect` found every task finished. Result of a run: docs/CLUSTER.md.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cli="$(realpath "${1:-$here/build/app/cli/mnist-lab-cli}")"
data="$(realpath "${2:-${MNIST_LAB_TEST_DATA:-$here/../shared/data/mnist}}")"
[ -x "$cli" ] || { echo "slurm-local-test: $cli is not an executable mnist-lab-cli (build it first)" >&2; exit 2; }
[ -d "$data" ] || { echo "slurm-local-test: $data: no MNIST folder" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "slurm-local-test: run as root (slurmd must be root to run jobs)" >&2; exit 2; }

missing=()
for tool in munged slurmctld slurmd sbatch; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "slurm-local-test: installing munge slurmctld slurmd slurm-client (missing: ${missing[*]})"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends munge slurmctld slurmd slurm-client >/dev/null
fi

work="$(mktemp -d /tmp/slurm-local.XXXXXX)"
pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    echo "slurm-local-test: daemons stopped; logs and runs kept in $work"
}
trap stop EXIT

# munge: a key of our own, a socket of our own.
mkdir -p "$work/munge" "$work/state" "$work/spool"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --foreground --force --socket="$work/munge/munge.socket" --key-file="$work/munge/munge.key" \
       --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
       --log-file="$work/munge/munged.log" >"$work/munged.out" 2>&1 &
pids+=($!)

node="$(hostname -s)"
cpus="$(nproc)"
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<EOF
ClusterName=mnistlab
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$node CPUs=$cpus State=UNKNOWN
PartitionName=lab Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
    state="$(sinfo -h -N -o %t 2>/dev/null || true)"
    [ "$state" = idle ] && break
    sleep 1
done
sinfo
[ "$state" = idle ] || { echo "slurm-local-test: the node never became idle (state \"$state\"); see $work/*.log" >&2; exit 1; }

# A 4-task sweep (2 widths × 2 seeds, one epoch on real MNIST), at most 2 tasks at once.
cat > "$work/sweep.json" <<'EOF'
{
  "name": "slurm-local",
  "base": {"layers": "784-32-10", "activation": "relu",
           "config": {"epochs": 1, "batch_size": 100, "learning_rate": 0.002, "threads": 1, "seed": 1}},
  "axes": [{"parameter": "width", "values": [16, 64]}],
  "seeds": 2,
  "metric": "test_error"
}
EOF
"$cli" sweep "$work/sweep.json" --emit "$work/emit" --runs "$work/runs" --data "$data" --max-parallel 2
start=$(date +%s)
sbatch --wait "$work/emit/sweep.sbatch"
echo "slurm-local-test: the array took $(( $(date +%s) - start )) s"
"$cli" sweep "$work/emit/sweep.json" --collect --runs "$work/runs"
echo "slurm-local-test: every task finished under Slurm"
