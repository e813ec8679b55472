# A test-only confidential VM for the tests: an SEV-SNP certificate chain
# the test makes (ARK -> ASK -> VCEK, shaped as AMD's), and configfs-tsm
# served by tests/tools/tsmfs over FUSE, signing reports with that VCEK.
# Source it after lib.sh.  SS_TSMFS names the tsmfs binary.

# make_snp_chain DIR CHIP_ID_HEX TCB: a test ARK, ASK and VCEK in DIR
# (ark.pem, ask.pem, vcek.pem, and each .der; vcek.key), RSA-PSS SHA-384
# signatures as AMD's, the VCEK's hardware ID and TCB extensions set to
# CHIP_ID_HEX (128 hex digits) and TCB ("B,T,S,M": bootloader, tee, snp,
# microcode).
make_snp_chain() {
	dir=$1 chip=$2
	IFS=, read -r bl tee snp ucode <<EOF
$3
EOF
	pss="-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -sha384"
	amd="/OU=Engineering/C=US/L=Santa Clara/ST=CA/O=Advanced Micro Devices"
	mkdir -p "$dir"
	(
	cd "$dir" || exit 1
	cat > ext.cnf <<EOF
[ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[vcek]
keyUsage = critical,digitalSignature
1.3.6.1.4.1.3704.1.1 = ASN1:IA5STRING:sev-snp test VCEK
1.3.6.1.4.1.3704.1.2 = ASN1:IA5STRING:Milan-B0
1.3.6.1.4.1.3704.1.3.1 = ASN1:INTEGER:$bl
1.3.6.1.4.1.3704.1.3.2 = ASN1:INTEGER:$tee
1.3.6.1.4.1.3704.1.3.3 = ASN1:INTEGER:$snp
1.3.6.1.4.1.3704.1.3.4 = ASN1:INTEGER:0
1.3.6.1.4.1.3704.1.3.5 = ASN1:INTEGER:0
1.3.6.1.4.1.3704.1.3.6 = ASN1:INTEGER:0
1.3.6.1.4.1.3704.1.3.7 = ASN1:INTEGER:0
1.3.6.1.4.1.3704.1.3.8 = ASN1:INTEGER:$ucode
1.3.6.1.4.1.3704.1.4 = DER:$chip
EOF
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out ark.key 2>/dev/null &&
	openssl req -x509 -new -key ark.key -subj "$amd/CN=ARK-Milan" \
	    $pss -days 3650 -extensions ca -config ext.cnf -out ark.pem \
	    2>/dev/null &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out ask.key 2>/dev/null &&
	openssl req -new -key ask.key -subj "$amd/CN=SEV-Milan" \
	    -out ask.csr 2>/dev/null &&
	openssl x509 -req -in ask.csr -CA ark.pem -CAkey ark.key \
	    -set_serial 2 $pss -days 3650 -extensions ca -extfile ext.cnf \
	    -out ask.pem 2>/dev/null &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
	    -out vcek.key 2>/dev/null &&
	openssl req -new -key vcek.key -subj "$amd/CN=SEV-VCEK" \
	    -out vcek.csr 2>/dev/null &&
	openssl x509 -req -in vcek.csr -CA ask.pem -CAkey ask.key \
	    -set_serial 0 $pss -days 3650 -extensions vcek -extfile ext.cnf \
	    -out vcek.pem 2>/dev/null &&
	for c in ark ask vcek; do
		openssl x509 -in $c.pem -outform DER -out $c.der || exit 1
	done
	) || fail "cannot make the test SEV-SNP chain in $dir"
}

# serve_tsmfs MOUNT TSMFS ARGS...: serve configfs-tsm at MOUNT with tsmfs;
# it is unmounted when the test ends.  Skip the test (77) where FUSE
# cannot mount.
serve_tsmfs() {
	mnt=$1
	shift
	[ -x "${SS_TSMFS:-}" ] || fail "test bug: SS_TSMFS names no tsmfs binary"
	command -v fusermount3 >/dev/null || skip "no fusermount3 (fuse3)"
	[ -c /dev/fuse ] || skip "no /dev/fuse: FUSE cannot mount here"
	mkdir -p "$mnt"
	"$SS_TSMFS" "$mnt" "$@" 2> "$TMP/tsmfs.err" ||
	    skip "FUSE cannot mount here: $(cat "$TMP/tsmfs.err")"
	on_exit "fusermount3 -u '$mnt' 2>/dev/null || umount -l '$mnt' 2>/dev/null"
	mountpoint -q "$mnt" || fail "tsmfs did not mount at $mnt"
}

# start_tsmfs MOUNT CHAIN MEASUREMENT_HEX CHIP_ID_HEX TCB [TSMFS ARGS...]:
# an SEV-SNP guest's configfs-tsm at MOUNT, signing with CHAIN's VCEK
# (make_snp_chain).
start_tsmfs() {
	mnt=$1 chain=$2 meas=$3 chip=$4 tcb=$5
	shift 5
	serve_tsmfs "$mnt" --key "$chain/vcek.key" --vcek "$chain/vcek.der" \
	    --ask "$chain/ask.der" --ark "$chain/ark.der" \
	    --measurement "$meas" --chip-id "$chip" --tcb "$tcb" "$@"
}
