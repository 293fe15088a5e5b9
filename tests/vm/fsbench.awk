# fsbench.awk: vm.sh's table of the guest's fsbench.sh lines (the console) and the host's
# counters at each mark (the samples file, read first): each operation's median over the
# rounds, hostfs over kvm: beside 9p, and where the time and CPU went. hostfs with
# cache=never (its rounds in brackets) and the guest's own RAM disk are there to explain.
function median(list,    n, v, i, j, t) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return n == 0 ? 0 : n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function add(arr, k, x) { arr[k] = arr[k] == "" ? x : arr[k] " " x }
function count(list,    v) { return split(list, v, " ") }
function figure(fs, op,    t) {
	t = median(secs[fs, op])
	if (t == 0) return "-"
	return op ~ /^dd/ ? sprintf("%.0f MB/s", ddmib * 1.048576 / t) : sprintf("%.2f s", t)
}
function versus(h, p) {
	return h <= p ? sprintf("%.2fx as fast", p / h) : sprintf("%.2fx slower", h / p)
}
{ sub(/\r$/, "") }
FILENAME == ARGV[1] {   # samples: FS OP ROUND begin|end shadow_ticks wakeups vcpu_ticks other_ticks
	k = $1 SUBSEP $2 SUBSEP $3
	if ($4 == "begin") { s0[k] = $5; w0[k] = $6; v0[k] = $7; o0[k] = $8; next }
	if (!(k in s0)) next
	kk = $1 SUBSEP $2
	add(shadow, kk, ($5 - s0[k]) / 100); add(wake, kk, $6 - w0[k])
	add(vcpu, kk, ($7 - v0[k]) / 100); add(other, kk, ($8 - o0[k]) / 100)
	next
}
/^fsbench: a tarball of/ { entries = $5; mb = $7; files = $9; ddmib = $(NF - 1) }
$1 == "fsbench" && NF == 8 {
	kk = $2 SUBSEP $3
	add(secs, kk, $5); add(busy, kk, $6); add(hcpu, kk, $7); add(pcpu, kk, $8)
	rounds[$4] = 1
}
END {
	nops = split("tar_x find ls_lR rm_r dd_write dd_read", ops, " ")
	what["tar_x"] = sprintf("tar x, %d entries, %d MB", entries, mb)
	what["find"] = sprintf("find -type f, %d files", files)
	what["ls_lR"] = sprintf("ls -lR, %d files", files)
	what["rm_r"] = "rm -r of the extracted tree"
	what["dd_write"] = sprintf("dd write %d MiB, bs=1M", ddmib)
	what["dd_read"] = sprintf("dd read %d MiB, bs=1M", ddmib)
	n = 0
	for (r in rounds) n++
	printf "fs bench (in the guest, %s, one vCPU; one host directory, one boot; median of %d rounds, cold caches):\n", accel, n
	printf "  %-28s %14s %12s   %-14s | %14s %12s\n", "what", "hostfs (kvm:)", "9p (virtio)", "hostfs vs 9p",
		sprintf("cache=never(%d)", count(secs["hostfs_nc", "tar_x"])), "guest RAM"
	met = 0; missed = ""
	for (i = 1; i <= nops; i++) {
		op = ops[i]; h = median(secs["hostfs", op]); p = median(secs["9p", op])
		printf "  %-28s %14s %12s   %-14s | %14s %12s\n", what[op], figure("hostfs", op), figure("9p", op),
			versus(h, p), figure("hostfs_nc", op), figure("ram", op)
		if (h <= p) met++
		else missed = missed sprintf("%s%s %.2fx slower", missed == "" ? "" : "; ", op, h / p)
	}
	printf "target: hostfs over kvm: no slower than 9p: met in %d of %d operations%s\n", met, nops,
		missed == "" ? "" : "; not met: " missed
	printf "CPU, medians: guest vCPU busy; guest CPU of the hostfs daemon and of the program\n"
	printf "  (tar, find...); host CPU of the shadow, its wake-ups (one per hostcall: each rings\n"
	printf "  the doorbell once), QEMU's vCPU thread (the TCG guest) and its other threads (9p)\n"
	for (i = 1; i <= nops; i++) {
		op = ops[i]
		for (f = 1; f <= 3; f++) {
			fs = f == 1 ? "hostfs" : f == 2 ? "hostfs_nc" : "9p"
			t = median(secs[fs, op]); wk = median(wake[fs, op])
			printf "  %-9s %-10s %5.2f s: guest %3d %% busy, daemon %5.2f s, program %5.2f s;",
				(f == 1 ? op : ""), fs, t, median(busy[fs, op]), median(hcpu[fs, op]),
				median(pcpu[fs, op])
			if (fs != "9p")
				printf " host: shadow %4.2f s, %5d hostcalls (%.0f us of wall time each),",
					median(shadow[fs, op]), wk, (wk ? 1e6 * t / wk : 0)
			else
				printf " host:"
			printf " vCPU %5.2f s, other %5.2f s\n", median(vcpu[fs, op]), median(other[fs, op])
		}
	}
}
