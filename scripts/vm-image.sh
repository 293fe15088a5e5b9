#!/bin/sh
# vm-image.sh: the guest image in build/vm: a Debian cloud kernel (fetched with apt-get
# download and unpacked with dpkg -x, never installed) and an initramfs of busybox-static,
# the virtio-net modules, dosh, guest_check and four integration tests with the shared
# libraries they load, and the dosh host scripts. Not static: Debian's libtirpc.a needs
# MIT's GSS-API, which krb5 ships only shared; Heimdal's static one does not fit it (no
# GSS_C_NT_HOSTBASED_SERVICE variable) and needs com_err, also only shared; and Debian
# ships cmocka, which the integration tests link, only shared too.
set -eu
cd "$(dirname "$0")/.."
VM=build/vm
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover
net_failover virtio_net"

# the integration tests of the hostcall API; those of hostcalld itself run on the host only
ITESTS="build/tests/integration/test_session build/tests/integration/test_proc
build/tests/integration/test_stream build/tests/integration/test_race"

make -s -j"$(nproc)" build/bin/dosh build/tests/vm/guest_check $ITESTS
mkdir -p $VM

if [ ! -f $VM/vmlinuz ]; then
	pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ { print $2; exit }')
	[ -n "$pkg" ] || { echo "vm-image.sh: no linux-image-cloud-amd64 in apt" >&2; exit 1; }
	rm -rf $VM/kernel && mkdir -p $VM/kernel
	(cd $VM/kernel && apt-get download -q "$pkg" 2>&1 | grep -v unsandboxed; dpkg -x ./*.deb x)
	cp $VM/kernel/x/boot/vmlinuz-* $VM/vmlinuz.new && mv $VM/vmlinuz.new $VM/vmlinuz
fi

root=$VM/root
rm -rf $root
mkdir -p $root/bin $root/lib/modules $root/tests/dosh/host $root/proc $root/sys $root/dev $root/tmp
cp /bin/busybox $root/bin/busybox
cp build/bin/dosh build/tests/vm/guest_check $ITESTS $root/bin/
# the binaries' shared libraries, at the paths the dynamic loader looks in
ldd build/bin/dosh build/tests/vm/guest_check $ITESTS | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' |
	sort -u | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
cp tests/vm/init $root/init
cp tests/vm/guest.sh $root/bin/guest.sh
cp tests/dosh/host/* $root/tests/dosh/host/
mkdir -p $root/lib/terminfo/x $root/lib/terminfo/v   # libedit at the console
cp /lib/terminfo/x/xterm $root/lib/terminfo/x/ && cp /lib/terminfo/v/vt100 $root/lib/terminfo/v/
for m in $MODULES; do
	find $VM/kernel/x/lib/modules -name "$m.ko" -exec cp {} $root/lib/modules/ \;
done
(cd $root && find . | cpio -o -H newc --quiet | gzip -1) > $VM/initramfs.cpio.gz
