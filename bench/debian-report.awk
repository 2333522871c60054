# bench/debian's report. Reads its runs, one a line: "SYSTEM RUN
# hibernate_s resume_s boot_s attempts", or a FAIL line; prints a markdown table of
# medians (min and max beside them) and the ratios, writes the CSV. Needs
# bench/med.awk before it.
function f1(x) { return x == "-" ? "-" : sprintf("%.1f", x) }
BEGIN { print "system,run,hibernate_s,resume_s,boot_s,attempts" > csv }
$1 == "FAIL" { fails = fails "\n- " $0; next }
NF == 6 {
	if (!($1 in seen)) { seen[$1] = 1; sys[++n] = $1 }
	printf "%s,%s,%s,%s,%s,%s\n", $1, $2, $3, $4, $5, $6 > csv
	h[$1] = h[$1] " " $3; r[$1] = r[$1] " " $4; b[$1] = b[$1] " " $5
	a[$1] = a[$1] (a[$1] == "" ? "" : "/") $6
}
END {
	print "## Debian 12 guest: systemctl hibernate, kjump and the kernel's own (seconds, medians)"
	print ""
	print "| system | runs | command to power-off | min | max | power-on to the service running again | min | max | boot to multi-user.target | attempts |"
	print "|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= n; i++) {
		s = sys[i]
		mh[s] = med(h[s]); hl = lo; hh = hi
		mr[s] = med(r[s]); rl = lo; rh = hi
		printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, split(h[s], x, " "),
			f1(mh[s]), f1(hl), f1(hh), f1(mr[s]), f1(rl), f1(rh), f1(med(b[s])), a[s]
	}
	if (("kjump" in mh) && ("swsusp" in mh) && mh["kjump"] > 0 && mr["kjump"] > 0)
		printf "\nswsusp / kjump: hibernate %.2fx, resume %.2fx\n",
			mh["swsusp"] / mh["kjump"], mr["swsusp"] / mr["kjump"]
	if (fails != "")
		print "\nRuns that failed:" fails
}
