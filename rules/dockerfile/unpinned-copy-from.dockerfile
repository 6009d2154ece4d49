FROM golang:1.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build
RUN go build -o /out/app .
FROM scratch
# ok: chaingate.docker.unpinned-copy-from
COPY --from=build /out/app /app
# ok: chaingate.docker.unpinned-copy-from
COPY --from=0 /out/app /app2
# ruleid: chaingate.docker.unpinned-copy-from
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /nginx.conf
# ruleid: chaingate.docker.unpinned-copy-from
COPY --chown=0:0 --from=ghcr.io/example/tools /bin/tool /bin/tool
# ok: chaingate.docker.unpinned-copy-from
COPY --from=ghcr.io/example/tools:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /bin/tool /bin/tool2
# ruleid: chaingate.docker.unpinned-copy-from
RUN --mount=type=bind,from=busybox:1.36,source=/bin/busybox,target=/bb /bb true
# ok: chaingate.docker.unpinned-copy-from
RUN --mount=type=cache,target=/root/.cache true
# ok: chaingate.docker.unpinned-copy-from
copy --from=build /out/app /app3
# ok: chaingate.docker.unpinned-copy-from
RUN --mount=type=bind,from=build,source=/out,target=/mnt true
