# Shared by the bench reports (awk -f bench/med.awk -f REPORT.awk).
# med(LIST): the median of the space-separated numbers in LIST, setting lo
# and hi; "-" when there are none.
function med(list,    a, n, i, j, t, v, m) {
	m = split(list, v, " ")
	n = 0
	for (i = 1; i <= m; i++)
		if (v[i] != "-" && v[i] != "")
			a[++n] = v[i] + 0
	if (!n) { lo = hi = "-"; return "-" }
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo = a[1]; hi = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
