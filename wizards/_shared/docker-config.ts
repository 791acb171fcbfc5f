// Pure facts and text for setup-docker: Docker's repository line and key URL, and the members
// of a group line as getent prints it.

/** Docker's packages from its own repository (docs.docker.com, "Install using the apt repository"). */
export const DOCKER_PACKAGES = ['docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin'] as const;

export const DOCKER_KEY_URL = (distro: string) => `https://download.docker.com/linux/${distro}/gpg`;

/** The one-line apt source for Docker's stable channel, signed by the key in /etc/apt/keyrings/docker.asc. */
export function dockerRepoLine(distro: string, codename: string, arch: string): string {
  return `deb [arch=${arch} signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/${distro} ${codename} stable\n`;
}

/** The members of `getent group NAME`'s line (name:x:gid:a,b). */
export function groupMembers(line: string): string[] {
  const fields = line.trim().split(':');
  return fields.length >= 4 && fields[3] !== '' ? fields[3]!.split(',') : [];
}
