# bench/switch's table (awk -f bench/med.awk -f bench/switch-report.awk
# TIMES): TIMES has "what seconds" lines; csv and runs are set with -v.
{ v[$1] = v[$1] " " $2; n[$1]++ }
END {
	print "## kjump switch: moving between kernels (seconds, medians of " runs ")\n"
	print "| move | runs | median | min | max |"
	print "|---|---|---|---|---|"
	print "what,runs,median_s,min_s,max_s" >csv
	split("round-trip hop kexec power-on", order, " ")
	label[1] = "A -> K1 -> A (kjump switch, slot loaded)"
	label[2] = "K1 -> K2 through A (unload, load the way in, jump)"
	label[3] = "reboot into the same kernel, plain kexec (kexec-tools)"
	label[4] = "boot from power-on (qemu start to init)"
	for (i = 1; i <= 4; i++) {
		k = order[i]
		m = med(v[k])
		printf "| %s | %d | %s | %s | %s |\n", label[i], n[k], m, lo, hi
		printf "%s,%d,%s,%s,%s\n", k, n[k], m, lo, hi >csv
	}
}
