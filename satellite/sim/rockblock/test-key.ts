/**
 * A TEST-ONLY RSA-2048 key pair for the simulated RockBLOCK cloud in tests (docs/iridium.md §7.4:
 * "emits Rock7-shaped webhooks signed with a **test** RSA key"). Generated for fieldnode with
 * node:crypto generateKeyPairSync('rsa', { modulusLength: 2048 }); its private half is published
 * here, so it protects nothing and must never be trusted outside the test runner.
 *
 * Only tests and their rigs (satellite/test/support) sign with it. The standalone simulator,
 * `fieldnode sim rockblock`, makes a key of its own on first run (sim-signing-key.ts), and a
 * centre whose `verify_key_file` holds this public key refuses to start outside Vitest
 * (node/src/composition/rockblock-verify-key.ts; its SHA-256 is listed in
 * node/src/crypto/repository-test-keys.ts, docs/keys.md §Test keys in this repository). A
 * production receiver trusts only the published Rock7 key (satellite/src/rockblock/rock7-key.ts),
 * which is its default.
 */

/** PKCS#8 PEM. Public on purpose: it signs the tests' simulated pushes only. */
export const TEST_ROCK7_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDFz1Gr1AkjuoiA
uha0LVsAP0tlnxajRiwk3V2kaMNxZzGCl9EQll/XbYYAwaMqMRGuhUXPLb6tWVRO
RE/giZ2Tw4zITEOFn9sigY2rW9PgCFXMpDhDKz0PVQ6gzpLp58w6o3RuW1/Bt0s5
6xqmKFZG2rhytsnyiUprXkJ1J8fO/TJHuOqPeMl+xYpmpGWh+8jzFM3aP6+uZnJR
UwSuHIsZh5hwtvGv3Pz3GTLWaAOkIJPhRLQFDbTTXTx55WR2mFmOKX9UFxdLuCr3
b4HagW01MYWc9L4KYTqx6QzHW7wuH/zaJ6GpDQxGkYjBTe1o/qFWfYlV1P/s7IT5
iS0E32XNAgMBAAECggEAFC9RHq8O1bIBnt0eVvlv2UkcKP0AYt3UwFhEZ3P3SZml
oDVctIwbsJBxBZ+8xh/mtX/M/VSmKes9IpVu7zMrvLnOIlxB4Z9LzawZqDxBFRHU
q4KwaQ4+91MPIJKjxDGOkgc+6MnzLgHFr93RRNZF44oLG02SsuiWivk939WU2oam
ujJd58Rk92CKU06jTc0LorNvcbS/oTBwbdngOR9roBbvTxj7kZgYAr6OWXJQFBzl
5Nga0/ryopQqQ7QN9ZBTfNYHxhNVXrqobu5mfM4SYpJPppl8CzKFp4lyGR0hnwrj
ZSpgr2BYwb91SwZQlKv2fB7rr+kHKaFXA5F8spf7IwKBgQDu64zBkJbb4/1k8ONP
C20scFgAL4W6b9hZ3dxuiStNd59q1b8WoSLl6rkIvrQdGgu09Mbw4/uBdhuiYfD/
ibGOyd7TTPFXnprQOZUv35xgEyG3aUZ/cML54Imunc+NaI75A6etHRLC74rbvHKM
cXqW5RRfsxUyC3P7mdks/ODfpwKBgQDT82omu2H8d1V9JaKEYOmzsvy53ttdKKfz
CjzqDhB30XfPW5peYBrSDd2zicWkfUv5olyCVh38kJ31lrU5s8uhUnH2a/lOq5Aw
ega/anEEJpwOZseecnlWYvfVWJD1cLLRpnd2de1N6SwczF7Aw5Y3zVNZpVMuTY4t
u+yMq5QdawKBgQC+3xWrSh0LfN/iNYQTkRheCT50n4KhiFr6qIFDGXirweZtDmhD
5uWfct7yOpBgM3+oyGjq5+f07Gt1VfOX4uQkI+hNPMoOatpZgbdK8MTYCFDGW2eD
xo0t3ZGBG/hFi4O1MpNRfMmRTJfNpoaI5tu+EzMspUBIo9e76JQVGc15PwKBgQCf
aDFsE/5sLSxExWtneKQMHQ/qk2wUsqEuL4ME3bMRCp+7er+tP0asuPUHNRVK01my
1KQS+sXu0K2cqc5/KXR7TlCb7zVAL9RwQTaV/G4nmwo/4pk72AjeKe0Prl7H2g0D
lNnAZI0nzbj5p9OT0wZFzc1kXO0ko/vM9cvBOMJbJQKBgQDIyCKN1mZWwkj4hU7n
XBJdbq3RAImT5R0TZm6XPa670etpiQYH9Jy7ndb6TgdFk5Iedr+7WnjkLkUorkUM
S+hPNEdlw0e1Isa13w81CnGRBtdAPVSyZAmsv2gLNxg+WFtevPJZXYbhWjXwLgnm
78FIkCfBKV3gOMj59fkQR6iqQw==
-----END PRIVATE KEY-----
`;

/** SPKI PEM of the same pair: what a receiver under test verifies the tests' pushes with. */
export const TEST_ROCK7_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxc9Rq9QJI7qIgLoWtC1b
AD9LZZ8Wo0YsJN1dpGjDcWcxgpfREJZf122GAMGjKjERroVFzy2+rVlUTkRP4Imd
k8OMyExDhZ/bIoGNq1vT4AhVzKQ4Qys9D1UOoM6S6efMOqN0bltfwbdLOesapihW
Rtq4crbJ8olKa15CdSfHzv0yR7jqj3jJfsWKZqRlofvI8xTN2j+vrmZyUVMErhyL
GYeYcLbxr9z89xky1mgDpCCT4US0BQ200108eeVkdphZjil/VBcXS7gq92+B2oFt
NTGFnPS+CmE6sekMx1u8Lh/82iehqQ0MRpGIwU3taP6hVn2JVdT/7OyE+YktBN9l
zQIDAQAB
-----END PUBLIC KEY-----
`;
