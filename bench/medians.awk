# Reads "tool,config,run,seconds,bytes" lines; prints a markdown table of
# medians (with min and max) and writes tool,config,seconds,mb_per_s,
# output_bytes to csv. ram: pages of A's RAM, for MB/s.
function median(list, n,    a, i, j, t) {
	split(list, a, " ")
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo = a[1]; hi = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	key = $1 "," $2
	if (!(key in n)) order[++keys] = key
	secs[key] = secs[key] " " $4
	bytes[key] = bytes[key] " " $5
	n[key]++
}
END {
	mb = ram * 4096 / 1e6
	print "| tool | config | seconds (median) | min | max | MB/s of RAM | output bytes |"
	print "|---|---|---|---|---|---|---|"
	print "tool,config,seconds,mb_per_s,output_bytes" > csv
	for (k = 1; k <= keys; k++) {
		key = order[k]
		split(key, tc, ",")
		s = median(secs[key], n[key]); slo = lo; shi = hi
		b = median(bytes[key], n[key])
		printf "| %s | %s | %.2f | %.2f | %.2f | %.0f | %d |\n", tc[1], tc[2], s, slo, shi, mb / s, b
		printf "%s,%s,%.2f,%.0f,%d\n", tc[1], tc[2], s, mb / s, b > csv
	}
}
