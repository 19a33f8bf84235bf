#!/usr/bin/env bash
# Makes .container-context/ for deploy/container/Containerfile without any registry: a root file system
# unpacked from Debian packages (apt-get download + dpkg-deb), the project's Node, the relay's dist and its
# production node_modules, and the provider config. Run from the repository root after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/../.."
ctx=.container-context
rm -rf "$ctx" && mkdir -p "$ctx/rootfs" "$ctx/app" "$ctx/debs"

# Just what Node and the native add-ons link against, plus CA certificates (PostgreSQL over TLS) and tzdata.
packages=(libc6 libgcc-s1 libstdc++6 ca-certificates tzdata)
(cd "$ctx/debs" && apt-get download "${packages[@]}")
for deb in "$ctx"/debs/*.deb; do dpkg-deb -x "$deb" "$ctx/rootfs"; done
rm -rf "$ctx/debs" "$ctx/rootfs/usr/share/doc" "$ctx/rootfs/usr/share/man" "$ctx/rootfs/usr/share/locale"
# ca-certificates ships the certificates; its postinst builds the bundle Node and OpenSSL read.
mkdir -p "$ctx/rootfs/etc/ssl/certs"
find "$ctx/rootfs/usr/share/ca-certificates" -name '*.crt' -print0 | sort -z | xargs -0 cat >"$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nrelay:x:10001:10001:Secure Voice Check relay:/var/lib/secure-voice-check:/sbin/nologin\n' >"$ctx/rootfs/etc/passwd"
printf 'root:x:0:\nrelay:x:10001:\n' >"$ctx/rootfs/etc/group"
mkdir -p "$ctx/rootfs/tmp" "$ctx/rootfs/etc/secure-voice-check/tls" "$ctx/data"
chmod 1777 "$ctx/rootfs/tmp"

cp "$(readlink -f node_modules/.bin/node)" "$ctx/node"
node_modules/.bin/node scripts/build.ts --only relay --quiet
cp -r dist "$ctx/app/dist" && rm -rf "$ctx/app/dist/chrome" "$ctx/app/dist/firefox" "$ctx/app/dist/packages"
cp package.json package-lock.json "$ctx/app/"
(cd "$ctx/app" && PATH="$(dirname "$(readlink -f ../../node_modules/.bin/node)"):$PATH" npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund)
cp deploy/container/healthcheck.mjs "$ctx/app/"
cp deploy/relay.json "$ctx/relay.json"
cp deploy/container/Containerfile "$ctx/Containerfile"
echo "$ctx ready: buildah bud --format docker -t secure-voice-check-relay:$(node_modules/.bin/node -p 'require("./package.json").version') $ctx"
