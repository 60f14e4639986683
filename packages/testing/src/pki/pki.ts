// @peculiar/x509 resolves services through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import type { webcrypto as WebCrypto } from "node:crypto";
import { webcrypto } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  type Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from "@peculiar/x509";
import type { TlsMaterial } from "../servers/falco-server.js";

/** Key type of every certificate in a test PKI. */
export type TestPkiKeyAlgorithm = "ecdsa-p256" | "rsa-2048";

/** Options of {@link createTestPki}. */
export interface TestPkiOptions {
  /**
   * Common name of the server certificate. Falco's docs use `localhost`, so
   * clients dialling `127.0.0.1` need a server-name override or the SANs.
   * @default "localhost"
   */
  readonly serverCommonName?: string;
  /**
   * Subject alternative names of the server certificate: DNS names and IP addresses.
   * @default ["localhost", "127.0.0.1", "::1"]
   */
  readonly serverAltNames?: readonly string[];
  /**
   * Common name of the (good and rogue) client certificates.
   * @default "falco-test-client"
   */
  readonly clientCommonName?: string;
  /**
   * How long every certificate stays valid, counted from one hour ago (clock skew).
   * @default 1 (day)
   */
  readonly validityDays?: number;
  /**
   * Key algorithm of every key pair. ECDSA P-256 is the fastest to generate.
   * @default "ecdsa-p256"
   */
  readonly keyAlgorithm?: TestPkiKeyAlgorithm;
}

/** A throwaway PKI for mutual TLS, every item a PEM string. */
export interface TestPki {
  /** The CA certificate: Falco's `root_certs`, and what clients trust. */
  readonly caCert: string;
  /** The server certificate (CN=localhost, SANs localhost, 127.0.0.1, ::1): Falco's `cert_chain`. */
  readonly serverCert: string;
  /** The server's private key (PKCS#8): Falco's `private_key`. */
  readonly serverKey: string;
  /** A client certificate signed by the CA: accepted by the server. */
  readonly clientCert: string;
  /** The client's private key (PKCS#8). */
  readonly clientKey: string;
  /** Another CA, unrelated to `caCert`. */
  readonly rogueCaCert: string;
  /** A client certificate signed by the rogue CA: refused by the server. */
  readonly rogueClientCert: string;
  /** The rogue client's private key (PKCS#8). */
  readonly rogueClientKey: string;
  /** What a mutual-TLS listener needs: `{ cert: serverCert, key: serverKey, ca: caCert }`. */
  readonly serverTls: TlsMaterial;
}

/** Paths of the files {@link writeTestPki} wrote (names like Falco's docs: `server.crt`, ...). */
export interface TestPkiFiles {
  /** The directory that holds the files. */
  readonly dir: string;
  /** The PKI that was written. */
  readonly pki: TestPki;
  /** Path of `ca.crt` ({@link TestPki.caCert}): Falco's `root_certs`. */
  readonly caCert: string;
  /** Path of `server.crt` ({@link TestPki.serverCert}): Falco's `cert_chain`. */
  readonly serverCert: string;
  /** Path of `server.key` ({@link TestPki.serverKey}, mode 0600): Falco's `private_key`. */
  readonly serverKey: string;
  /** Path of `client.crt` ({@link TestPki.clientCert}), accepted by the server. */
  readonly clientCert: string;
  /** Path of `client.key` ({@link TestPki.clientKey}, mode 0600). */
  readonly clientKey: string;
  /** Path of `rogue-ca.crt` ({@link TestPki.rogueCaCert}), a CA the server does not trust. */
  readonly rogueCaCert: string;
  /** Path of `rogue-client.crt` ({@link TestPki.rogueClientCert}), refused by the server. */
  readonly rogueClientCert: string;
  /** Path of `rogue-client.key` ({@link TestPki.rogueClientKey}, mode 0600). */
  readonly rogueClientKey: string;
}

const crypto: WebCrypto.Crypto = webcrypto;
type CryptoKeyPair = WebCrypto.CryptoKeyPair;
const DAY_MS = 24 * 60 * 60 * 1000;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

interface Issued {
  readonly keys: CryptoKeyPair;
  readonly certPem: string;
  readonly keyPem: string;
  readonly subject: string;
}

interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function keyParams(
  algorithm: TestPkiKeyAlgorithm,
): WebCrypto.RsaHashedKeyGenParams | WebCrypto.EcKeyGenParams {
  return algorithm === "rsa-2048"
    ? {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      }
    : { name: "ECDSA", namedCurve: "P-256" };
}

function signingAlgorithm(
  algorithm: TestPkiKeyAlgorithm,
): WebCrypto.Algorithm | WebCrypto.EcdsaParams {
  return algorithm === "rsa-2048"
    ? { name: "RSASSA-PKCS1-v1_5" }
    : { name: "ECDSA", hash: "SHA-256" };
}

async function generateKeys(algorithm: TestPkiKeyAlgorithm): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(keyParams(algorithm), true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
}

async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return PemConverter.encode(pkcs8, "PRIVATE KEY");
}

async function createCa(
  commonName: string,
  algorithm: TestPkiKeyAlgorithm,
  validity: Validity,
): Promise<Issued> {
  const keys = await generateKeys(algorithm);
  const subject = `CN=${commonName}`;
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      name: subject,
      keys,
      ...validity,
      signingAlgorithm: signingAlgorithm(algorithm),
      extensions: [
        new BasicConstraintsExtension(true, 0, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { keys, subject, certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys) };
}

async function issueLeaf(
  issuer: Issued,
  commonName: string,
  usage: "server" | "client",
  altNames: readonly string[],
  algorithm: TestPkiKeyAlgorithm,
  validity: Validity,
): Promise<Issued> {
  const keys = await generateKeys(algorithm);
  const subject = `CN=${commonName}`;
  const extensions: Extension[] = [
    new BasicConstraintsExtension(false, undefined, true),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment, true),
    new ExtendedKeyUsageExtension(
      [usage === "server" ? ExtendedKeyUsage.serverAuth : ExtendedKeyUsage.clientAuth],
      false,
    ),
    await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    await AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey, false, crypto),
  ];
  if (altNames.length > 0) {
    extensions.push(
      new SubjectAlternativeNameExtension(
        altNames.map((name) => ({
          type: IPV4.test(name) || name.includes(":") ? ("ip" as const) : ("dns" as const),
          value: name,
        })),
        false,
      ),
    );
  }
  const cert = await X509CertificateGenerator.create(
    {
      subject,
      issuer: issuer.subject,
      publicKey: keys.publicKey,
      signingKey: issuer.keys.privateKey,
      ...validity,
      signingAlgorithm: signingAlgorithm(algorithm),
      extensions,
    },
    crypto,
  );
  return { keys, subject, certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys) };
}

/**
 * Creates a throwaway PKI in memory for mutual-TLS tests: a CA, a server
 * certificate (CN=localhost, SANs localhost / 127.0.0.1 / ::1), a client
 * certificate, and a rogue CA with a rogue client certificate that a server
 * trusting only the CA must refuse.
 */
export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const algorithm = options.keyAlgorithm ?? "ecdsa-p256";
  const now = Date.now();
  const validity: Validity = {
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + (options.validityDays ?? 1) * DAY_MS),
  };
  const clientName = options.clientCommonName ?? "falco-test-client";
  const [ca, rogueCa] = await Promise.all([
    createCa("falco-sdk test CA", algorithm, validity),
    createCa("falco-sdk rogue CA", algorithm, validity),
  ]);
  const [server, client, rogueClient] = await Promise.all([
    issueLeaf(
      ca,
      options.serverCommonName ?? "localhost",
      "server",
      options.serverAltNames ?? ["localhost", "127.0.0.1", "::1"],
      algorithm,
      validity,
    ),
    issueLeaf(ca, clientName, "client", [], algorithm, validity),
    issueLeaf(rogueCa, clientName, "client", [], algorithm, validity),
  ]);
  return {
    caCert: ca.certPem,
    serverCert: server.certPem,
    serverKey: server.keyPem,
    clientCert: client.certPem,
    clientKey: client.keyPem,
    rogueCaCert: rogueCa.certPem,
    rogueClientCert: rogueClient.certPem,
    rogueClientKey: rogueClient.keyPem,
    serverTls: { cert: server.certPem, key: server.keyPem, ca: ca.certPem },
  };
}

/**
 * Writes a test PKI to `dir` (created if missing) for tools that want paths:
 * `ca.crt`, `server.crt`, `server.key`, `client.crt`, `client.key`,
 * `rogue-ca.crt`, `rogue-client.crt`, `rogue-client.key` (keys mode 0600).
 * Creates a PKI with default options when `pki` is not given.
 */
export async function writeTestPki(dir: string, pki?: TestPki): Promise<TestPkiFiles> {
  const material = pki ?? (await createTestPki());
  await mkdir(dir, { recursive: true });
  const files = {
    caCert: ["ca.crt", material.caCert],
    serverCert: ["server.crt", material.serverCert],
    serverKey: ["server.key", material.serverKey],
    clientCert: ["client.crt", material.clientCert],
    clientKey: ["client.key", material.clientKey],
    rogueCaCert: ["rogue-ca.crt", material.rogueCaCert],
    rogueClientCert: ["rogue-client.crt", material.rogueClientCert],
    rogueClientKey: ["rogue-client.key", material.rogueClientKey],
  } as const;
  const paths: Record<string, string> = {};
  for (const [field, [name, pem]] of Object.entries(files)) {
    const path = join(dir, name);
    await writeFile(path, pem, { mode: name.endsWith(".key") ? 0o600 : 0o644 });
    paths[field] = path;
  }
  return { dir, pki: material, ...(paths as Omit<TestPkiFiles, "dir" | "pki">) };
}
