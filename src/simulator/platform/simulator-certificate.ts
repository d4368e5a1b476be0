/**
 * A fixed self-signed certificate for the simulated platform's HTTPS gateway (CN "hikvision-sim
 * platform", SAN 127.0.0.1 and localhost, valid until 2126). It is a test fixture: real platforms
 * also present self-signed certificates, which is what clients must cope with. Never use it to
 * protect anything.
 */
export const SIMULATOR_TLS = {
  cert: `
-----BEGIN CERTIFICATE-----
MIIBtjCCAVugAwIBAgIUYHwONcznX+ZpWFk394BVtk9FvTQwCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWaGlrdmlzaW9uLXNpbSBwbGF0Zm9ybTAgFw0yNjExMjUxMTIy
NDBaGA8yMTI2MTEwMTExMjI0MFowITEfMB0GA1UEAwwWaGlrdmlzaW9uLXNpbSBw
bGF0Zm9ybTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABAaK4XdgeksSUedQduXd
vN5f+usEC3lIG5pPhruOh0KnBMpeiHIyrKOjCKYgpN32xTCB18J2qi2XhCnSPF/s
5z+jbzBtMB0GA1UdDgQWBBSWu9vGQ0pca+GMl0vnqkPAd0wlgTAfBgNVHSMEGDAW
gBSWu9vGQ0pca+GMl0vnqkPAd0wlgTAPBgNVHRMBAf8EBTADAQH/MBoGA1UdEQQT
MBGHBH8AAAGCCWxvY2FsaG9zdDAKBggqhkjOPQQDAgNJADBGAiEA6nI1yURoWtU/
UZZuh2Su2HmmTMZzOck2cu5YtkHrCKACIQDJD4nSjmyeFahIqG1tsq0/RdfYMILo
FbuR52YEU/S0dg==
-----END CERTIFICATE-----
`.trimStart(),
  key: `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFkNggjIKu2byTxbO
NBWI7cKsnr3stF5qF0gB2RivjFuhRANCAAQGiuF3YHpLElHnUHbl3bzeX/rrBAt5
SBuaT4a7jodCpwTKXohyMqyjowimIKTd9sUwgdfCdqotl4Qp0jxf7Oc/
-----END PRIVATE KEY-----
`.trimStart(),
};
