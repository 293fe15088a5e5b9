#!/bin/sh
# vm-image.sh: the guest image in build/vm: a Debian cloud kernel (fetched with apt-get
# download and unpacked with dpkg -x, never installed) and an initramfs of busybox-static,
# the kernel's virtio-net and fuse modules, dosh, hostfs, guest_check, fs_semantics and five
# integration tests with the shared libraries they load, and the dosh host scripts. Only dosh
# is static, but for libc (it answers libtirpc's one GSS question itself: dosh/nogss.c); the
# rest cannot be: Debian's libtirpc.a needs MIT's GSS-API, which krb5 ships only shared,
# Heimdal's static one does not fit it (no GSS_C_NT_HOSTBASED_SERVICE variable) and needs
# com_err, also only shared; and Debian ships cmocka, which the integration tests link, and
# libfuse3, which hostfs links, only shared too.
#   vm-image.sh      the cloud kernel in build/vm/vmlinuz
#   vm-image.sh 9p   also Debian's generic kernel in build/vm/generic/vmlinuz, with its 9p
#                    modules: the cloud kernel has no 9p (CONFIG_NET_9P is not set), and the
#                    VM bench measures hostfs beside QEMU's 9p sharing in one boot
# Each kernel's modules go to /lib/modules/RELEASE/ with a load order, dependencies first,
# read from each module's depends= (the packages carry no modules.dep: depmod makes it at
# install); a module the kernel has built in (modules.builtin) is left out.
set -eu
cd "$(dirname "$0")/.."
VM=build/vm
MODULES="virtio_pci virtio_net fuse"
MODULES_9P="$MODULES 9pnet_virtio 9p"

# the integration tests of the hostcall API; those of hostcalld itself run on the host only
ITESTS="build/tests/integration/test_session build/tests/integration/test_proc
build/tests/integration/test_stream build/tests/integration/test_race
build/tests/integration/test_hcgen"
PROGS="build/bin/dosh build/bin/hostfs build/tests/vm/guest_check build/tests/hostfs/fs_semantics
build/tests/hostfs/pipe_check build/tests/bench/bench_stubs
$ITESTS"

# fetch_kernel DIR META-PACKAGE [PATH...]: the versioned kernel META names, unpacked into
# DIR/x (only PATHs of it, if given), its vmlinuz as DIR/vmlinuz; once.
fetch_kernel() {
	dir=$1 meta=$2
	shift 2
	[ -f "$dir/vmlinuz" ] && return 0
	pkg=$(apt-cache depends "$meta" | awk '/Depends: linux-image-/ { print $2; exit }')
	[ -n "$pkg" ] || { echo "vm-image.sh: no $meta in apt" >&2; exit 1; }
	rm -rf "$dir/kernel" && mkdir -p "$dir/kernel"
	(cd "$dir/kernel" && apt-get download -q "$pkg" 2>&1 | grep -v unsandboxed)
	if [ $# -eq 0 ]; then
		dpkg -x "$dir"/kernel/*.deb "$dir/kernel/x"
	else
		mkdir -p "$dir/kernel/x"
		dpkg-deb --fsys-tarfile "$dir"/kernel/*.deb | tar x -C "$dir/kernel/x" --wildcards "$@"
	fi
	cp "$dir"/kernel/x/boot/vmlinuz-* "$dir/vmlinuz.new" && mv "$dir/vmlinuz.new" "$dir/vmlinuz"
}

# module_deps KO: the names of the modules KO needs, from its .modinfo depends= string.
module_deps() {
	tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -1 | tr ',' ' '
}

# load_order MODDIR NAME...: each NAME after what it needs, each once, built-ins left out;
# a line "NAME FILE" each, FILE relative to MODDIR.
load_order() {
	moddir=$1
	shift
	seen=" "
	for m in "$@"; do
		visit_module "$moddir" "$m"
	done
}

visit_module() {
	local alt ko d
	case "$seen" in *" $2 "*) return 0 ;; esac
	seen="$seen$2 "
	alt=$(echo "$2" | tr _ -)
	if grep -q -e "/$2\.ko\$" -e "/$alt\.ko\$" "$1/modules.builtin"; then
		return 0
	fi
	ko=$(cd "$1" && find kernel -name "$2.ko" -o -name "$alt.ko" | head -1)
	[ -n "$ko" ] || { echo "vm-image.sh: no module $2 in $1" >&2; exit 1; }
	for d in $(module_deps "$1/$ko"); do
		visit_module "$1" "$d"
	done
	echo "$2 $ko"
}

# add_modules KERNEL-TREE NAME...: the modules and their load order into the image.
add_modules() {
	moddir=$(echo "$1"/lib/modules/*)
	release=$(basename "$moddir")
	shift
	mkdir -p "$root/lib/modules/$release"
	load_order "$moddir" "$@" | while read -r name ko; do
		cp "$moddir/$ko" "$root/lib/modules/$release/$name.ko"
		echo "$name"
	done > "$root/lib/modules/$release/load"
}

make -s -j"$(nproc)" $PROGS
mkdir -p $VM
fetch_kernel $VM linux-image-cloud-amd64
if [ "${1:-}" = 9p ]; then
	fetch_kernel $VM/generic linux-image-amd64 './boot/vmlinuz-*' \
		'./lib/modules/*/modules.builtin' './lib/modules/*/kernel/fs/*' \
		'./lib/modules/*/kernel/net/9p/*' './lib/modules/*/kernel/net/core/*' \
		'./lib/modules/*/kernel/drivers/virtio/*' './lib/modules/*/kernel/drivers/net/*'
fi

root=$VM/root
rm -rf $root
mkdir -p $root/bin $root/lib/modules $root/tests/dosh/host $root/proc $root/sys $root/dev $root/tmp \
	$root/host $root/hostpipe
cp /bin/busybox $root/bin/busybox
cp $PROGS $root/bin/
# the binaries' shared libraries, at the paths the dynamic loader looks in
ldd $PROGS | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' |
	sort -u | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
cp tests/vm/init $root/init
cp tests/vm/guest.sh tests/vm/fsbench.sh tests/vm/tree.sh $root/bin/
cp tests/dosh/host/* $root/tests/dosh/host/
mkdir -p $root/lib/terminfo/x $root/lib/terminfo/v   # libedit at the console
cp /lib/terminfo/x/xterm $root/lib/terminfo/x/ && cp /lib/terminfo/v/vt100 $root/lib/terminfo/v/
add_modules $VM/kernel/x $MODULES
if [ "${1:-}" = 9p ]; then
	add_modules $VM/generic/kernel/x $MODULES_9P
fi
(cd $root && find . | cpio -o -H newc --quiet | gzip -1) > $VM/initramfs.cpio.gz
