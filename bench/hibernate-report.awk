# bench/hibernate's report. Reads its runs (tab-separated: system, pct,
# run, hibernate_s, resume_s, image_bytes, ok, phases, message), prints
# markdown tables of medians (min and max beside them), writes the CSV
# and, per system, "plot-SYSTEM.dat" (pct and the time medians, min, max)
# for gnuplot. Needs bench/med.awk before it.
#
# kjump's phases (seconds): A loads B, syncs and jumps; B boots; free-page
# walk; reading /proc/vmcore with the filter, compressing and checksumming
# (busy time summed over the compression threads), writing (busy time of
# the writer thread); the whole save; power-off; firmware and R's boot
# (the boot loader starts R straight); R's checks before its first write
# (state, kernel, disks, memory); R's one pass over the image, writing
# each block as it verifies it; R's jump back until the workload's first
# line.
# swsusp's, from its own log: seconds writing, kbytes after compression,
# seconds reading; then how many attempts the workload made in the boot.
# Both end with the seconds from the workload's first line after resume to
# its checksum over all its memory.

function f2(x) { return x == "-" ? "-" : sprintf("%.2f", x) }
function fb(x) { return x == "-" ? "-" : sprintf("%d", x) }
# A row is PCT (of 1 GiB) or PCT@MIB.
function row_pct(r) { return r + 0 }
function row_mem(r) { return index(r, "@") ? substr(r, index(r, "@") + 1) + 0 : 1024 }
function row_label(r) {
	return row_mem(r) == 1024 ? sprintf("%d %% (%d MiB)", row_pct(r), row_pct(r) * 1024 / 100) \
		: sprintf("%d %% of %d MiB (%d MiB)", row_pct(r), row_mem(r), row_pct(r) * row_mem(r) / 100)
}
BEGIN { print "system,workload_pct,guest_mib,run,hibernate_s,resume_s,full_speed_s,image_bytes,ok" > csv }
{
	key = $1 SUBSEP $2
	if (!($1 in seen_sys)) { seen_sys[$1] = 1; systems[++nsys] = $1 }
	if (!($2 in seen_pct)) { seen_pct[$2] = 1; pcts[++npct] = $2 }
	runs[key]++
	np = split($8, p, " ")
	# back to full speed: the resume, then the workload's first pass over
	# all its memory (the last phase), which swsusp pays for what it
	# swapped out
	full = ($7 == 1 && $5 != "" && p[np] != "-") ? sprintf("%.2f", $5 + p[np]) : ""
	printf "%s,%d,%d,%s,%s,%s,%s,%s,%s\n", $1, row_pct($2), row_mem($2), $3, $4, $5,
		full, $6, $7 > csv
	if ($7 == 1) {
		okn[key]++
		hib[key] = hib[key] " " $4
		res[key] = res[key] " " $5
		fs[key] = fs[key] " " (full == "" ? "-" : full)
		bytes[key] = bytes[key] " " $6
		for (i = 1; i <= np; i++)
			ph[key, i] = ph[key, i] " " p[i]
		nph[$1] = np
	} else {
		fail[key] = fail[key] (fail[key] == "" ? "" : " / ") "run " $3 ": " $9
	}
}
function sort_pcts(    i, j, t) {
	for (i = 1; i <= npct; i++)
		for (j = i + 1; j <= npct; j++)
			if (row_mem(pcts[j]) < row_mem(pcts[i]) ||
			    (row_mem(pcts[j]) == row_mem(pcts[i]) && row_pct(pcts[j]) < row_pct(pcts[i]))) {
				t = pcts[i]; pcts[i] = pcts[j]; pcts[j] = t
			}
}
function main_table(    s, k, key, h, hl, hh, r, rl, rh, b, bl, bh, f, fl, fh) {
	print "| system | workload | ok | hibernate s (median) | min | max | resume s (median) | min | max | back to full speed s (median) | min | max | image bytes (median) | min | max |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (k = 1; k <= npct; k++)
		for (s = 1; s <= nsys; s++) {
			key = systems[s] SUBSEP pcts[k]
			if (!(key in runs))
				continue
			h = med(hib[key]); hl = lo; hh = hi
			r = med(res[key]); rl = lo; rh = hi
			b = med(bytes[key]); bl = lo; bh = hi
			f = med(fs[key]); fl = lo; fh = hi
			printf "| %s | %s | %d/%d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				systems[s], row_label(pcts[k]), okn[key], runs[key],
				f2(h), f2(hl), f2(hh), f2(r), f2(rl), f2(rh), f2(f), f2(fl), f2(fh),
				fb(b), fb(bl), fb(bh)
			mh[key] = h; mr[key] = r; mb[key] = b; mf[key] = f
			if (h != "-" && row_mem(pcts[k]) == 1024)
				printf "%s %s %s %s %s %s %s\n", pcts[k], f2(h), f2(hl), f2(hh),
					f2(r), f2(rl), f2(rh) > (plot "-" systems[s] ".dat")
		}
}
function verdict(x, target) { return x == "-" ? "-" : (x >= target ? "met" : "NOT met") }
function ratio(x, y) { return x == "-" || y == "-" || y == 0 ? "-" : x / y }
function shown(x, target) { return x == "-" ? "-" : sprintf("%.2fx (%s)", x, verdict(x, target)) }
function comparison(a,    k, b, hs, rs, fr, ir) {
	b = "swsusp"
	if (!((a SUBSEP pcts[1]) in runs) || !((b SUBSEP pcts[1]) in runs))
		return
	print ""
	printf "| workload | hibernate: swsusp / %s (target >= 3) | resume: swsusp / %s (target >= 2) | back to full speed: swsusp / %s (target >= 2.5) | image: %s / swsusp (target <= 1.00) |\n", a, a, a, a
	print "|---|---|---|---|---|"
	for (k = 1; k <= npct; k++) {
		if (!okn[b SUBSEP pcts[k]] || !okn[a SUBSEP pcts[k]]) {
			printf "| %s | %s | | | |\n", row_label(pcts[k]), !okn[a SUBSEP pcts[k]] ? a " failed" : "swsusp failed: no comparison"
			continue
		}
		hs = ratio(mh[b SUBSEP pcts[k]], mh[a SUBSEP pcts[k]])
		rs = ratio(mr[b SUBSEP pcts[k]], mr[a SUBSEP pcts[k]])
		fr = ratio(mf[b SUBSEP pcts[k]], mf[a SUBSEP pcts[k]])
		ir = mb[a SUBSEP pcts[k]] / mb[b SUBSEP pcts[k]]
		printf "| %s | %s | %s | %s | %.2f (%s) |\n", row_label(pcts[k]),
			shown(hs, 3), shown(rs, 2), shown(fr, 2.5), ir, ir <= 1.0 ? "met" : "NOT met"
	}
}
function phase_table(sys, head, rule, first, last,    k, key, i, line) {
	print ""
	print head
	print rule
	for (k = 1; k <= npct; k++) {
		key = sys SUBSEP pcts[k]
		if (!okn[key])
			continue
		line = sprintf("| %s |", row_label(pcts[k]))
		for (i = first; i <= last; i++)
			line = line " " (sys == "swsusp" && (i == 2 || i == 4) ? fb(med(ph[key, i])) : f2(med(ph[key, i]))) " |"
		print line
	}
}
# After the first line: the workload reads all its memory once (checksum).
function memory_table(    k, a, b) {
	print ""
	print "### After resume: the workload's checksum over all its memory (medians, seconds; swsusp pages in what it swapped out)"
	print ""
	print "| workload | swsusp | kjump |"
	print "|---|---|---|"
	for (k = 1; k <= npct; k++) {
		a = "swsusp" SUBSEP pcts[k]; b = "kjump" SUBSEP pcts[k]
		printf "| %s | %s | %s |\n", row_label(pcts[k]), okn[a] ? f2(med(ph[a, nph["swsusp"]])) : "-",
			okn[b] ? f2(med(ph[b, nph["kjump"]])) : "-"
	}
}
function kjump_phases(sys, how) {
	if (!nph[sys])
		return
	print ""
	print "### " sys "'s hibernation (" how "), phase by phase (medians, seconds)"
	phase_table(sys,
		"| workload | A syncs (loads B), jumps | B boots (resident: is back in its task) | free-page walk | reading vmcore + filter (busy) | compressing + checksums (busy, all threads) | writing (busy) | save in all | power-off |",
		"|---|---|---|---|---|---|---|---|---|", 1, 8)
	print ""
	print "### " sys "'s resume, phase by phase (medians, seconds)"
	phase_table(sys,
		"| workload | firmware + R boots | R checks (before writing) | R verifies + writes | jump back to the workload's line |",
		"|---|---|---|---|---|", 9, 12)
}
# What encryption costs: kjump-enc against kjump, same runs.
function encryption_cost(    k, a, b, hs, rs) {
	a = "kjump-enc"; b = "kjump"
	if (!((a SUBSEP pcts[1]) in runs) || !((b SUBSEP pcts[1]) in runs))
		return
	print ""
	print "### What encryption costs: kjump-enc / kjump (medians; target <= 1.15)"
	print ""
	print "| workload | hibernate | resume |"
	print "|---|---|---|"
	for (k = 1; k <= npct; k++) {
		if (!okn[a SUBSEP pcts[k]] || !okn[b SUBSEP pcts[k]]) {
			printf "| %s | - | - |\n", row_label(pcts[k])
			continue
		}
		hs = ratio(mh[a SUBSEP pcts[k]], mh[b SUBSEP pcts[k]])
		rs = ratio(mr[a SUBSEP pcts[k]], mr[b SUBSEP pcts[k]])
		printf "| %s | %s | %s |\n", row_label(pcts[k]), cost(hs), cost(rs)
	}
}
function cost(x) { return x == "-" ? "-" : sprintf("%.2fx (%s)", x, x <= 1.15 ? "met" : "NOT met") }
function failures(    k, s, key) {
	for (k = 1; k <= npct; k++)
		for (s = 1; s <= nsys; s++) {
			key = systems[s] SUBSEP pcts[k]
			if (key in fail)
				printf "- %s at %s: %s\n", systems[s], row_label(pcts[k]), fail[key]
		}
}
END {
	sort_pcts()
	print "## kjump and swsusp: hibernate and resume (medians of the runs that succeeded)"
	print ""
	main_table()
	comparison("kjump")
	comparison("kjump-boot")
	comparison("kjump-enc")
	encryption_cost()
	kjump_phases("kjump", "B resident")
	kjump_phases("kjump-enc", "B resident, encrypted")
	kjump_phases("kjump-boot", "B booted by each hibernation")
	if (nph["swsusp"]) {
		print ""
		print "### swsusp, from its own log (medians)"
		phase_table("swsusp",
			"| workload | writing the image (s) | image after compression (kbytes) | reading the image (s) | attempts in the boot (the last one timed) |",
			"|---|---|---|---|---|", 1, 4)
	}
	if (nph["kjump"] && nph["swsusp"])
		memory_table()
	print ""
	print "Runs that did not succeed, and what they said:"
	failures()
}
