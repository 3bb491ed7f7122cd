# syntax=docker/dockerfile:1
# One image, two hosts: the portal (Blazor Server + JSON API, the default) and the worker (SQS consumer, outbox lake
# writer, parked-event retries, jobs). Build from the repository root:
#   docker build -t pricing-portal .
#   docker run -d -p 8080:8080 -v portal-data:/data pricing-portal                    # the portal
#   docker run -d --no-healthcheck -v portal-data:/data pricing-portal worker        # the worker (no HTTP endpoint)
# Outside Development the portal signs in with Entra ID and stops at start without AzureAd__TenantId and
# AzureAd__ClientId (pass them with -e or --env-file); secrets come from the environment, never from the image.
# The worker has no HTTP endpoint (its health is a periodic log line), so it runs with --no-healthcheck; on ECS/Kubernetes
# the image's HEALTHCHECK is not used and the task/pod definition carries its own check (docs/deploy-aws.md).
#
# How this file was checked (no Docker engine on the machine that wrote it): read against the .NET 10 image layout
# (Ubuntu 24.04 base, APP_UID 1654, ASPNETCORE_HTTP_PORTS, no curl or wget in aspnet); the two restore + publish commands
# below run locally with `-a amd64` into a temporary folder (portal 203 MB, worker 184 MB); each published host started
# from there (the portal in Production with placeholder Entra ID ids: /health/live and /health/ready 200, the API 401,
# pages 302 to sign-in; the worker logged its status line); the HEALTHCHECK command, taken from this file, exited 0
# against the running portal and 1 against a closed port; the entry script, run by dash, picked portal (no argument,
# `portal`), worker (`worker`, arguments passed on) and any other command.

# Portal.Web's build runs `npm ci` for the pinned apexcharts (package-lock.json; its engines need Node >= 20.19).
# Ubuntu 24.04's own nodejs is 18.x, so Node 22 and its npm come from the official Node image instead (glibc-linked,
# runs on the SDK image). Both build stages run on the build machine's platform.
FROM --platform=$BUILDPLATFORM node:22-bookworm-slim AS node

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The target architecture (amd64 or arm64, set by `docker build --platform`): publishing for it keeps only that
# architecture's native libraries (ONNX Runtime, DuckDB, SkiaSharp, SQLite); with every RID's natives a host publishes to 1.2 GB.
ARG TARGETARCH
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && node --version && npm --version
WORKDIR /src
# Restore first, from the project files and the central package management files only, so this layer is reused until
# a package or a project reference changes. package.json + lock come with Portal.Web's project file (npm runs during
# the publish below, from the MSBuild target in Portal.Web.csproj).
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Portal.Core/Portal.Core.csproj src/Portal.Core/
COPY src/Portal.Infrastructure/Portal.Infrastructure.csproj src/Portal.Infrastructure/
COPY src/Portal.Web/Portal.Web.csproj src/Portal.Web/package.json src/Portal.Web/package-lock.json src/Portal.Web/
COPY src/Portal.Worker/Portal.Worker.csproj src/Portal.Worker/
RUN dotnet restore src/Portal.Web/Portal.Web.csproj -a $TARGETARCH \
 && dotnet restore src/Portal.Worker/Portal.Worker.csproj -a $TARGETARCH
# The one appsettings.json both hosts copy next to their binaries, and the root wwwroot/ that
# src/Portal.Web/wwwroot links to (COPY keeps the symbolic link as a link).
COPY appsettings*.json ./
COPY wwwroot/ wwwroot/
COPY src/ src/
# Two output folders, not one: each host keeps its own deps.json and its own copies of shared assemblies, so a package
# version one host pulls in can never replace a file the other was built against.
RUN dotnet publish src/Portal.Web/Portal.Web.csproj -c Release -a $TARGETARCH -o /out/portal --no-restore --no-self-contained \
 && dotnet publish src/Portal.Worker/Portal.Worker.csproj -c Release -a $TARGETARCH -o /out/worker --no-restore --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# SkiaSharp's native library needs fontconfig; ONNX Runtime and DuckDB ship their own native libraries.
RUN apt-get update && apt-get install -y --no-install-recommends libfontconfig1 && rm -rf /var/lib/apt/lists/*
# The embedded default's data directory (sales.db, images/, lake/) must exist and belong to the non-root user BEFORE
# the VOLUME line: a new named volume is initialised from this directory, ownership included. A bind-mounted host
# directory keeps the host's ownership: give it to uid 1654 (`chown 1654 DIR`).
RUN mkdir -p /data && chown "$APP_UID:$APP_UID" /data
# Binaries stay owned by root (read-only for the app user).
COPY --from=build /out/ /app/
COPY --chmod=755 <<'EOF' /usr/local/bin/portal-entrypoint
#!/bin/sh
# portal (default) | worker | any other command (e.g. bash for a look inside)
set -e
role="${1:-portal}"
if [ "$#" -gt 0 ]; then shift; fi
case "$role" in
  portal) exec dotnet /app/portal/Portal.Web.dll "$@" ;;
  worker) exec dotnet /app/worker/portal-worker.dll "$@" ;;
  *) exec "$role" "$@" ;;
esac
EOF
WORKDIR /app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Portal__DataDirectory=/data
EXPOSE 8080
VOLUME /data
USER $APP_UID
# The aspnet image has no curl or wget: bash's /dev/tcp sends the request and the status line is read back, so the
# check adds nothing to the image. /health/live answers 200 as soon as the host serves requests (readiness, i.e. the
# index loaded, is /health/ready). Change 8080 here if ASPNETCORE_HTTP_PORTS changes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r status <&3 && [[ $status == *' 200 '* ]]"]
ENTRYPOINT ["portal-entrypoint"]
CMD ["portal"]
