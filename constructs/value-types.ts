// Value rules shared by the constructs and every front end (the inventory among
// them): each says what the tool downstream accepts, so a value that passes here
// is one Prometheus, Alertmanager, Docker or Terraform will take.

/** Lowercase letters, digits and inner hyphens: valid as a Terraform id, a Docker name and a label value. */
export const NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
export const NAME_RULE = "must be 1-32 lowercase letters, digits or inner hyphens, starting with a letter";

/** Prometheus duration syntax (units in descending order, as Prometheus requires). */
export const DURATION_PATTERN = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;
const DURATION_PARTS = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1].map(BigInt);
/** Prometheus keeps durations as 64-bit nanoseconds: about 292 years. */
const MAX_DURATION_NS = 2n ** 63n - 1n;
export const DURATION_RULE = "must be a Prometheus duration such as 30s, 15m, 2h or 30d (units y w d h m s ms, largest first, at most 292y)";

/** Milliseconds of a Prometheus duration, or undefined when Prometheus would reject it (syntax or range). */
export function durationMs(value: string): bigint | undefined {
  const match = DURATION_PARTS.exec(value);
  if (!match || value === "") return undefined;
  const ms = match.slice(1).reduce((sum, n, i) => (n === undefined ? sum : sum + BigInt(n) * DURATION_UNIT_MS[i]), 0n);
  return ms * 1_000_000n > MAX_DURATION_NS ? undefined : ms;
}

export const isDuration = (value: string) => durationMs(value) !== undefined;
/** Spelled like a duration, whatever its size. */
export const isDurationSyntax = (value: string) => value !== "" && DURATION_PATTERN.test(value);
export const isNonZeroDuration = (value: string) => (durationMs(value) ?? 0n) > 0n;

/** Prometheus `--storage.tsdb.retention.size` syntax (base-2 units, 64-bit bytes). */
export const SIZE_PATTERN = /^\d+(?:B|KB|MB|GB|TB|PB|EB)$/;
const SIZE_PARTS = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/;
const SIZE_UNITS = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];
export const SIZE_RULE = "must be a size such as 512MB or 40GB (units B KB MB GB TB PB EB, at most 7EB)";

export function isSize(value: string): boolean {
  const match = SIZE_PARTS.exec(value);
  if (!match) return false;
  return BigInt(match[1]) * 1024n ** BigInt(SIZE_UNITS.indexOf(match[2])) <= 2n ** 63n - 1n;
}

/** Names Terraform reserves for itself; a variable cannot be called that. */
export const TERRAFORM_RESERVED_NAMES = ["count", "depends_on", "for_each", "lifecycle", "locals", "providers", "source", "version"];
const VARIABLE_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const TERRAFORM_VARIABLE_NAME_RULE = `must be a Terraform variable name: 1-63 lowercase letters, digits and underscores, starting with a letter, and not one Terraform reserves (${TERRAFORM_RESERVED_NAMES.join(", ")})`;

export function isTerraformVariableName(value: string): boolean {
  return VARIABLE_PATTERN.test(value) && !TERRAFORM_RESERVED_NAMES.includes(value);
}

/** Dotted-quad IPv4, no leading zeros (Go's net.ParseIP refuses them). */
const IPV4_PATTERN = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
export const isIpv4 = (value: string) => IPV4_PATTERN.test(value);
export const IPV4_RULE = "must be an IPv4 address: four numbers 0-255 separated by dots, such as 192.168.1.10";

const HOSTNAME_PATTERN = /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** A DNS name; its last label is not all digits, so `192.168.1` is a broken address, not a host. */
export const isHostName = (value: string) => HOSTNAME_PATTERN.test(value) && !/(?:^|\.)\d+$/.test(value);
export const ADDRESS_RULE = "must be an IPv4 address such as 192.168.1.10 or a host name such as hub.home.arpa";
/** Where something is reached: an IPv4 address or a host name. */
export const isAddress = (value: string) => isIpv4(value) || isHostName(value);
/** Looks like an IPv4 address but is not one: said as such rather than as a bad host name. */
export const looksLikeIpv4 = (value: string) => /^[\d.]+$/.test(value);

/** Docker binds published ports to an address of the host: a host name cannot be bound. */
export const isBindAddress = isIpv4;
export const BIND_ADDRESS_RULE = "must be an IPv4 address of the host to bind to, such as 192.168.1.10, 127.0.0.1 (local to the host) or 0.0.0.0 (every interface); a host name cannot be bound";

export const isPort = (value: number) => Number.isInteger(value) && value >= 1 && value <= 65535;
export const PORT_RULE = "must be a whole number between 1 and 65535";

/** What is wrong with a host directory for a data volume (bind-backed volume), or undefined. */
export function hostPathProblem(value: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(value)) return "must not contain control characters";
  if (!value.startsWith("/")) return "must be an absolute path (starting with /)";
  if (value.split("/").includes("..")) return "must not contain .. segments";
  if (value === "/") return "must not be the root directory";
  if (value.endsWith("/") || value.includes("//") || value.split("/").includes(".")) return "must be written plainly: no trailing /, no // and no . segments";
  return undefined;
}

/** An image reference pinned by tag (optionally by digest too), never the floating `latest`. */
export const IMAGE_PATTERN = /^[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[\w][\w.-]{0,127}(?:@sha256:[a-f0-9]{64})?$/;
export const IMAGE_RULE = "must be an image reference pinned by tag, such as ghcr.io/owner/name:1.2.3 (optionally @sha256:...)";
export const isPinnedImageSyntax = (value: string) => IMAGE_PATTERN.test(value);
export const isLatestTag = (value: string) => /:latest(?:@|$)/.test(value);
export const isPinnedImage = (value: string) => isPinnedImageSyntax(value) && !isLatestTag(value);
