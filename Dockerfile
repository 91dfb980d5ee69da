# The gateway's image: built with the SDK, run on the ASP.NET Core runtime image as its non-root
# user, configured only through environment variables (docs/operations.md lists them).

# The build output is plain IL (framework-dependent, no app host), so the SDK runs natively on the
# build machine whatever the target platform of a multi-platform build.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a source-only change reuses the package layer.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY gateway/Bff/Bff.csproj gateway/Bff/
COPY gateway/Bff.Host/Bff.Host.csproj gateway/Bff.Host/
RUN dotnet restore gateway/Bff.Host/Bff.Host.csproj
COPY README.md ./
COPY gateway/Bff/ gateway/Bff/
COPY gateway/Bff.Host/ gateway/Bff.Host/
# The stock host and the library; the demo SPA (infra/demo-spa) is not part of the product, so the image
# serves no pages of its own: the SPA is the operator's (a proxied route, or a web root mounted at /app/wwwroot).
RUN dotnet publish gateway/Bff.Host/Bff.Host.csproj -c Release -o /app --no-restore -p:UseAppHost=false

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
    CMD ["dotnet", "Bff.Host.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "Bff.Host.dll"]
