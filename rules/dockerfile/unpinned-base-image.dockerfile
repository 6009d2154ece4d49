# ruleid: chaingate.docker.unpinned-base-image
FROM node:20 AS build
RUN npm ci
# ruleid: chaingate.docker.unpinned-base-image
FROM node
# ok: chaingate.docker.unpinned-base-image
FROM build
# ok: chaingate.docker.unpinned-base-image
FROM scratch
# ok: chaingate.docker.unpinned-base-image
FROM node:20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
# ok: chaingate.docker.unpinned-base-image
FROM cgr.dev/chainguard/node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS runtime
# ruleid: chaingate.docker.unpinned-base-image
FROM --platform=$BUILDPLATFORM golang:1.22 AS gobuild
# ok: chaingate.docker.unpinned-base-image
FROM --platform=linux/amd64 gobuild
# ok: chaingate.docker.unpinned-base-image
FROM runtime
# ruleid: chaingate.docker.unpinned-base-image
from python:3.12-slim
# A digest that is too short is not a pin.
# ruleid: chaingate.docker.unpinned-base-image
FROM alpine@sha256:0123
