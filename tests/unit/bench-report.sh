#!/bin/bash
# bench/hibernate's report from made-up runs: the CSV has the issue's
# columns (full_speed_s: the resume and the workload's first pass) and one
# line a run, medians and the comparison against the targets come out
# right (swsusp's attempts in a boot among them), a 2 GiB row (70@2048)
# is labelled and compared, and a system that failed at a size says so
# instead of being compared.
. "$(dirname "$0")/lib.sh"
cd "$t_tmp" || exit 1
k="0.10 2.00 0.05 0.50 1.00 0.20 0.90 0.03 2.00 0.70 1.10 0.80 0.81"
{
	for run in 1 2 3; do
		printf 'swsusp\t25\t%s\t%s\t%s\t300000000\t1\t2.0 281000 2.4 %s 3.5\t\n' $run "4.$run" "6.$run" $run
		printf 'kjump\t25\t%s\t%s\t%s\t290000000\t1\t%s\t\n' $run "2.$run" "3.$run" "$k"
		printf 'swsusp\t70\t%s\t\t\t\t0\t- - -\tno power-off within 150 s\n' $run
		printf 'kjump\t70\t%s\t3.0\t8.0\t800000000\t1\t%s\t\n' $run "$k"
		printf 'swsusp\t70@2048\t%s\t9.0\t8.0\t900000000\t1\t2.0 281000 2.4 1 5.0\t\n' $run
		printf 'kjump\t70@2048\t%s\t3.0\t4.0\t800000000\t1\t%s\t\n' $run "$k"
	done
} >runs.tsv
t_run bench_report 0 awk -F'\t' -v csv=out.csv -v plot=plot -f "$T_TOP/bench/med.awk" -f "$T_TOP/bench/hibernate-report.awk" runs.tsv
if [ "$t_rc" -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif [ "$(head -1 out.csv)" != "system,workload_pct,guest_mib,run,hibernate_s,resume_s,full_speed_s,image_bytes,ok" ] ||
	[ "$(wc -l <out.csv)" -ne 19 ] || ! grep -qx 'swsusp,70,1024,2,,,,,0' out.csv ||
	! grep -qx 'kjump,25,1024,1,2.1,3.1,3.91,290000000,1' out.csv ||
	! grep -qx 'kjump,70,2048,3,3.0,4.0,4.81,800000000,1' out.csv; then
	t_fail "csv: $(cat out.csv)"
elif ! grep -qF '| swsusp | 25 % (256 MiB) | 3/3 | 4.20 | 4.10 | 4.30 | 6.20 | 6.10 | 6.30 | 9.70 | 9.60 | 9.80 | 300000000 |' <<<"$t_out" ||
	! grep -qF '| 25 % (256 MiB) | 1.91x (NOT met) | 1.94x (NOT met) | 2.42x (NOT met) | 0.97 (met) |' <<<"$t_out" ||
	! grep -qF '| 70 % of 2048 MiB (1433 MiB) | 3.00x (met) | 2.00x (met) | 2.70x (met) | 0.89 (met) |' <<<"$t_out" ||
	! grep -qF '| 70 % (716 MiB) | swsusp failed: no comparison |' <<<"$t_out" ||
	! grep -qF -- '- swsusp at 70 % (716 MiB): run 1: no power-off within 150 s' <<<"$t_out" ||
	! grep -qF '| 25 % (256 MiB) | 0.10 | 2.00 | 0.05 | 0.50 | 1.00 | 0.20 | 0.90 | 0.03 |' <<<"$t_out" ||
	! grep -qF '| 25 % (256 MiB) | 3.50 | 0.81 |' <<<"$t_out" ||
	! grep -qF '| 25 % (256 MiB) | 2.00 | 281000 | 2.40 | 2 |' <<<"$t_out" || ! grep -qF '| 70 % (716 MiB) | - | 0.81 |' <<<"$t_out"; then
	t_fail "table: $t_out"
elif [ "$(cat plot-kjump.dat)" != "$(printf '25 2.20 2.10 2.30 3.20 3.10 3.30\n70 3.00 3.00 3.00 8.00 8.00 8.00')" ]; then
	t_fail "plot data: $(cat plot-kjump.dat)"
else
	t_pass
fi

# kjump-enc beside kjump: the cost of encryption, against its 15 %.
{
	for run in 1 2 3; do
		printf 'kjump\t25\t%s\t2.0\t3.0\t290000000\t1\t%s\t\n' $run "$k"
		printf 'kjump-enc\t25\t%s\t2.2\t3.6\t290500000\t1\t%s\t\n' $run "$k"
	done
} >runs-enc.tsv
t_run bench_report_encryption_cost 0 awk -F'\t' -v csv=out-enc.csv -v plot=plot-enc \
	-f "$T_TOP/bench/med.awk" -f "$T_TOP/bench/hibernate-report.awk" runs-enc.tsv
if [ "$t_rc" -ne 0 ]; then
	t_fail "exit $t_rc: $t_err"
elif ! grep -qF '| 25 % (256 MiB) | 1.10x (met) | 1.20x (NOT met) |' <<<"$t_out" ||
	! grep -qF "### kjump-enc's hibernation (B resident, encrypted)" <<<"$t_out"; then
	t_fail "table: $t_out"
else
	t_pass
fi
