import { alias, type CheckMeta } from '../../core/catalog.js';

// Catalog entries of the image configuration and content checks (KW-IMG-001 … KW-IMG-014).

const CIS_DOCKER = 'https://www.cisecurity.org/benchmark/docker';
const DOCKERFILE_REF = 'https://docs.docker.com/reference/dockerfile/';
const avd = (id: string): string => `https://avd.aquasec.com/misconfig/${id.toLowerCase()}`;
const { ds, cisDocker, mitre } = alias;

const meta = (m: Omit<CheckMeta, 'category'>): CheckMeta => ({ ...m, category: 'images' });

export const RUNS_AS_ROOT = meta({
  id: 'KW-IMG-001',
  title: 'Image runs as root',
  severity: 'high',
  description: 'The image config sets no USER, or a USER that is root: `root`, uid 0, `0:<group>`, `root:<group>`, or a name that the image\'s etc/passwd maps to uid 0.',
  rationale: 'A container process running as root is root in the user namespace it shares with the host unless user namespaces are in use; any container escape or writable host mount then acts with full privileges.',
  remediation: 'Create an unprivileged user in the Dockerfile (`RUN useradd -r -u 10001 app`) and add `USER 10001` (a numeric uid lets Kubernetes verify runAsNonRoot). Workloads can also set securityContext.runAsUser and runAsNonRoot: true.',
  references: [`${DOCKERFILE_REF}#user`, avd('DS002'), CIS_DOCKER],
  aliases: [...ds('DS-0002'), ...cisDocker('4.1')],
});

export const ROOT_WITHOUT_PASSWORD = meta({
  id: 'KW-IMG-002',
  title: 'root account without a password',
  severity: 'critical',
  description: 'The root account\'s password field in etc/shadow (or in etc/passwd when it is not `x`) is empty, so root can be logged into without a password (CVE-2019-5021 in Alpine images 3.3 to 3.9).',
  rationale: 'Any process that can call su or a PAM login (an unprivileged user in the container, a compromised service) becomes root without knowing a password.',
  remediation: 'Lock the root password in the image: `RUN passwd -l root` (or `usermod -p \'*\' root`), or rebuild on a fixed base image; the password field must be `!`, `*` or a hash.',
  references: ['https://nvd.nist.gov/vuln/detail/CVE-2019-5021', 'https://alpinelinux.org/posts/Docker-image-vulnerability-CVE-2019-5021.html', 'https://man7.org/linux/man-pages/man5/shadow.5.html'],
  aliases: [...mitre('T1078.003')],
});

export const EMPTY_PASSWORD_ACCOUNTS = meta({
  id: 'KW-IMG-003',
  title: 'Accounts without a password',
  severity: 'high',
  description: 'Accounts other than root whose password field in etc/shadow (or etc/passwd) is empty.',
  rationale: 'An account with an empty password can be switched to with su or logged into without any secret; an attacker in the container gains that account\'s files and privileges (and root when its uid is 0 or it may use sudo).',
  remediation: 'Lock the accounts (`passwd -l NAME` or `usermod -p \'*\' NAME`) or remove them from the image.',
  references: ['https://man7.org/linux/man-pages/man5/shadow.5.html', 'https://man7.org/linux/man-pages/man5/passwd.5.html'],
  aliases: [...mitre('T1078.003')],
});

export const UNUSUAL_SETUID = meta({
  id: 'KW-IMG-004',
  title: 'Unexpected setuid or setgid executables',
  severity: 'medium',
  description: 'Executable files with the setuid or setgid bit that are not among the usual ones distributions ship (su, sudo, passwd, mount, ping… in bin, sbin, usr/bin, usr/sbin; see setuid-allowlist.json).',
  rationale: 'A setuid-root program runs as root whoever starts it; any bug in it is a privilege escalation. Containers rarely need any, and an unexpected one may be a planted backdoor.',
  remediation: 'Remove the bits in the Dockerfile (`RUN chmod u-s,g-s FILE`, or for all: `find / -xdev -perm /6000 -type f -exec chmod a-s {} +`), and run with `allowPrivilegeEscalation: false` so they have no effect.',
  references: [CIS_DOCKER, 'https://man7.org/linux/man-pages/man2/execve.2.html', 'https://attack.mitre.org/techniques/T1548/001/'],
  aliases: [...cisDocker('4.8'), ...mitre('T1548.001')],
});

export const WORLD_WRITABLE = meta({
  id: 'KW-IMG-005',
  title: 'World-writable files in system directories',
  severity: 'medium',
  description: 'Regular files, or directories without the sticky bit, that any user may write, under bin, sbin, usr, lib, lib32, lib64, libx32, etc, boot or opt. Symlinks (always 0777) are ignored; var, tmp, run and home are not looked at.',
  rationale: 'Any user in the container can replace a program, library or configuration file there that root later runs or reads, and so become root.',
  remediation: 'Remove the write bit for others (`RUN chmod o-w PATH`), or give the directory the sticky bit when it must be shared (`chmod +t`).',
  references: ['https://man7.org/linux/man-pages/man7/inode.7.html', 'https://attack.mitre.org/techniques/T1574/'],
  aliases: [...mitre('T1574')],
});

export const SECRETS_IN_FILES = meta({
  id: 'KW-IMG-006',
  title: 'Secrets in image files',
  severity: 'high',
  description: 'A file of the image holds a private key, cloud credential, API token, registry credential or password (rules in docs/secret-rules.md). The finding\'s severity is that of the most severe rule matched.',
  rationale: 'Anyone who can pull the image can read every file in it, in every layer; a credential baked into an image is as public as the image and lives as long as any copy of it.',
  remediation: 'Remove the file and rebuild without it reaching any layer (use BuildKit secret mounts, `RUN --mount=type=secret`, or multi-stage builds), provide it at run time as a Kubernetes Secret, and rotate the credential: it must be assumed leaked.',
  references: ['docs/secret-rules.md', 'https://docs.docker.com/build/building/secrets/', avd('DS031'), CIS_DOCKER],
  aliases: [...cisDocker('4.10'), ...ds('DS-0031'), ...mitre('T1552.001')],
});

export const SECRETS_IN_CONFIG = meta({
  id: 'KW-IMG-007',
  title: 'Secrets in the image configuration',
  severity: 'high',
  description: 'The image config holds a secret: an environment variable (a well-known secret format, or a literal value under a name like *_PASSWORD, *_TOKEN, *SECRET*), a label, or a build step in the history (ENV and ARG values are recorded in the RUN lines BuildKit writes there).',
  rationale: 'The config is readable by anyone who can pull the image (`docker inspect`, `docker history`); ENV values are also in every container\'s environment and in `kubectl describe` output.',
  remediation: 'Pass secrets at run time (Kubernetes Secret as a mounted file) and at build time with BuildKit secret mounts (`RUN --mount=type=secret,id=…`), never with ENV, ARG or LABEL; rebuild and rotate the exposed credential.',
  references: ['https://docs.docker.com/build/building/secrets/', `${DOCKERFILE_REF}#arg`, avd('DS031'), CIS_DOCKER],
  aliases: [...cisDocker('4.10'), ...ds('DS-0031'), ...mitre('T1552')],
});

export const SSH_SERVER = meta({
  id: 'KW-IMG-008',
  title: 'SSH server installed',
  severity: 'medium',
  description: 'The image contains an SSH server: package openssh-server, openssh-server-pam or dropbear (or Alpine\'s openssh meta package), or the file usr/sbin/sshd or usr/sbin/dropbear.',
  rationale: 'An SSH daemon in a container is an extra network service with its own credentials and keys to manage; `kubectl exec` or an ephemeral debug container covers the need without it.',
  remediation: 'Remove the SSH server from the image (`apt-get purge openssh-server`, `apk del openssh-server`) and use `kubectl exec` / `kubectl debug` for access.',
  references: [CIS_DOCKER, 'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container'],
  aliases: [...cisDocker('5.6')],
});

export const PORT_22_EXPOSED = meta({
  id: 'KW-IMG-009',
  title: 'Port 22 exposed',
  severity: 'low',
  description: 'The image config exposes port 22 (EXPOSE 22), the SSH port.',
  rationale: 'Exposing SSH announces a remote login service; tools that publish exposed ports (docker run -P) open it to the network.',
  remediation: 'Remove `EXPOSE 22` from the Dockerfile (and the SSH server it is for).',
  references: [`${DOCKERFILE_REF}#expose`, avd('DS004')],
  aliases: [...ds('DS-0004')],
});

export const ADD_FROM_URL = meta({
  id: 'KW-IMG-010',
  title: 'ADD from a remote URL',
  severity: 'medium',
  description: 'A build step in the image history is `ADD http(s)://…` without `--checksum`: the build fetched remote content it did not verify.',
  rationale: 'Whatever the URL served at build time went into the image unchecked: a compromised or changed server, or a man in the middle on http, puts arbitrary files in the image, and the build is not reproducible.',
  remediation: 'Download with `RUN curl -fsSLo FILE URL && echo "SHA256  FILE" | sha256sum -c -`, or use `ADD --checksum=sha256:… URL DEST`, or COPY the file from the build context.',
  references: [`${DOCKERFILE_REF}#add`, avd('DS005'), CIS_DOCKER],
  aliases: [...ds('DS-0005'), ...cisDocker('4.9')],
});

export const LATEST_TAG = meta({
  id: 'KW-IMG-011',
  title: 'Image referenced by `latest` or without a tag',
  severity: 'medium',
  description: 'The image was scanned by the tag `latest` or by a name without tag or digest (which means `latest`). References by digest are fine.',
  rationale: '`latest` moves: the image scanned is not necessarily the image that runs tomorrow, and a rollout can silently pick up a different build.',
  remediation: 'Reference the image by an explicit version tag, or better by digest (`repo@sha256:…`), in manifests and in FROM lines.',
  references: [avd('DS001'), 'https://kubernetes.io/docs/concepts/containers/images/#image-names'],
  aliases: [...ds('DS-0001')],
});

export const NO_HEALTHCHECK = meta({
  id: 'KW-IMG-012',
  title: 'No HEALTHCHECK',
  severity: 'low',
  description: 'The image config has no Healthcheck, or it is disabled (`HEALTHCHECK NONE`).',
  rationale: 'Without a health check, runtimes that use it (docker, compose, swarm) cannot restart a hung service. Kubernetes ignores it and uses probes, so this matters outside Kubernetes.',
  remediation: 'Add `HEALTHCHECK CMD …` to the Dockerfile, and liveness/readiness probes to the Kubernetes workload.',
  references: [`${DOCKERFILE_REF}#healthcheck`, avd('DS026'), CIS_DOCKER],
  aliases: [...ds('DS-0026'), ...cisDocker('4.6')],
});

export const IMAGE_TOO_OLD = meta({
  id: 'KW-IMG-013',
  title: 'Image not rebuilt recently',
  severity: 'low',
  description: 'The image config\'s `created` time is older than the maximum age (365 days unless configured). Images with no creation time, or the Unix epoch (reproducible builds), are reported as not evaluated.',
  rationale: 'An old image carries the security fixes of the day it was built; rebuilding regularly picks up base-image and package updates.',
  remediation: 'Rebuild the image on a current base image (and update packages), on a schedule.',
  references: [CIS_DOCKER, 'https://github.com/opencontainers/image-spec/blob/main/config.md#properties'],
  aliases: [...cisDocker('4.4')],
});

export const SUDO_NOPASSWD_ALL = meta({
  id: 'KW-IMG-014',
  title: 'sudo allows every command without a password',
  severity: 'medium',
  description: 'sudo is installed and a sudoers rule (etc/sudoers or etc/sudoers.d/*) lets a user or group run ALL commands as root with NOPASSWD.',
  rationale: 'Whoever runs as that user (the image\'s USER, a compromised service) is root in one command; a non-root USER is then only cosmetic.',
  remediation: 'Remove sudo from the image, or the NOPASSWD: ALL rule; run the few commands that need root at build time instead.',
  references: ['https://www.sudo.ws/docs/man/sudoers.man/', 'https://attack.mitre.org/techniques/T1548/003/'],
  aliases: [...mitre('T1548.003')],
});

/** Every image configuration and content check, in id order. */
export function imageCheckMetas(): CheckMeta[] {
  return [
    RUNS_AS_ROOT, ROOT_WITHOUT_PASSWORD, EMPTY_PASSWORD_ACCOUNTS, UNUSUAL_SETUID, WORLD_WRITABLE, SECRETS_IN_FILES,
    SECRETS_IN_CONFIG, SSH_SERVER, PORT_22_EXPOSED, ADD_FROM_URL, LATEST_TAG, NO_HEALTHCHECK, IMAGE_TOO_OLD, SUDO_NOPASSWD_ALL,
  ];
}
