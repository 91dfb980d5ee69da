# The gateway's image: built with the SDK, run on the ASP.NET Core runtime image as its non-root
# user, configured only through environment variables (docs/operations.md lists them).

# The build output is plain IL (framework-dependent, no app host), so the SDK runs natively on the
# build machine whatever the target platform of a multi-platform build.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a source-only change reuses the package layer.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY gateway/Bff.Gateway.csproj gateway/
RUN dotnet restore gateway/Bff.Gateway.csproj
COPY gateway/ gateway/
RUN dotnet publish gateway/Bff.Gateway.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Nothing is written at run time, so the root file system can be mounted read-only:
# - Data Protection keys go to Redis (ConnectionStrings__Redis), never to ~/.aspnet;
# - the diagnostics IPC socket (dotnet-counters, dotnet-dump) would be created in /tmp: off. To use
#   those tools, set DOTNET_EnableDiagnostics=1 and mount a tmpfs at /tmp.
ENV DOTNET_EnableDiagnostics=0 \
    ASPNETCORE_HTTP_PORTS=8080
# The image's own unprivileged user (uid 1654).
USER $APP_UID
EXPOSE 8080
# The runtime image has no curl or wget: the gateway probes its own /healthz (liveness; readiness is
# /readyz, for the load balancer). It follows ASPNETCORE_HTTP_PORTS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["dotnet", "Bff.Gateway.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "Bff.Gateway.dll"]
