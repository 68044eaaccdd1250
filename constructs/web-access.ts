// Files a service needs to serve with a web config, and to call other services
// as a client. Paths are inside the service's config directory, so they land
// on its config volume when the root filesystem is read-only.
import type { WebAccess } from "./common-props";
import type { HttpClient } from "./config/prometheus-config";
import { passwordRef, tlsRef } from "./config/terraform-content";
import { renderWebConfig } from "./config/web-config";
import type { ServiceFile } from "./docker-service";

/** web.yml (and the host's certificate and key when TLS is on), plus the flag that loads it. */
export function webConfigFiles(configDir: string, access: WebAccess): { files: ServiceFile[]; flag: string } {
  const tls = access.tlsHost ? { certFile: `${configDir}/tls/cert.pem`, keyFile: `${configDir}/tls/key.pem` } : undefined;
  return {
    flag: `--web.config.file=${configDir}/web.yml`,
    files: [
      { containerPath: `${configDir}/web.yml`, renderedName: "web.yml", content: renderWebConfig({ tls, users: access.users }) },
      ...(access.tlsHost
        ? [
            { containerPath: tls!.certFile, renderedName: "tls/cert.pem", content: tlsRef(access.tlsHost, "cert") },
            { containerPath: tls!.keyFile, renderedName: "tls/key.pem", content: tlsRef(access.tlsHost, "key") },
          ]
        : []),
    ],
  };
}

export interface ClientIdentity {
  /** Basic-auth user (a password identity). @default - no basic auth */
  readonly username?: string;
  /** Present this host's certificate to the gateways. @default - no client certificate */
  readonly certificateHost?: string;
  /** Trust the private CA. @default true */
  readonly trustCa?: boolean;
}

/** The CA, a password file and a client certificate, as files and as the client settings naming them. */
export function clientFiles(configDir: string, who: ClientIdentity): { files: ServiceFile[]; client: HttpClient } {
  const files: ServiceFile[] = [];
  const caFile = `${configDir}/tls/ca.pem`;
  if (who.trustCa !== false) files.push({ containerPath: caFile, renderedName: "tls/ca.pem", content: tlsRef("ca", "cert") });
  const passwordFile = `${configDir}/credentials/${who.username}`;
  if (who.username) files.push({ containerPath: passwordFile, renderedName: `credentials/${who.username}`, content: passwordRef(who.username) });
  const certFile = `${configDir}/tls/client-cert.pem`;
  const keyFile = `${configDir}/tls/client-key.pem`;
  if (who.certificateHost)
    files.push(
      { containerPath: certFile, renderedName: "tls/client-cert.pem", content: tlsRef(who.certificateHost, "cert") },
      { containerPath: keyFile, renderedName: "tls/client-key.pem", content: tlsRef(who.certificateHost, "key") },
    );
  return {
    files,
    client: {
      ...(who.username ? { basicAuth: { username: who.username, passwordFile } } : {}),
      ...(who.trustCa !== false ? { tls: { caFile, ...(who.certificateHost ? { certFile, keyFile } : {}) } } : {}),
    },
  };
}
