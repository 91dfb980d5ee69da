# The demo API (infra/demo-api) for the compose demo.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY infra/demo-api/DemoApi.csproj infra/demo-api/
RUN dotnet restore infra/demo-api/DemoApi.csproj
COPY infra/demo-api/ infra/demo-api/
RUN dotnet publish infra/demo-api/DemoApi.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV DOTNET_EnableDiagnostics=0
USER $APP_UID
ENTRYPOINT ["dotnet", "DemoApi.dll"]
