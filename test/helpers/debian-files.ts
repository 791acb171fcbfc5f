// Files of the Debian 12 fixture image (scripts/fixtures/debian.sh) that tests compare against,
// shared by the e2e tests on the image and the unit tests on a fake guest shaped like it.

export const DEBIAN_HOSTS = `127.0.0.1	localhost
127.0.1.1	deb12-fixture

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
`;
