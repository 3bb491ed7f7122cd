# Portal image: the Blazor Server portal and JSON API. Build from the repository root:
#   docker build -t pricing-portal .
#   docker run -p 8080:8080 -v portal-data:/data pricing-portal
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# npm installs the pinned browser libraries (apexcharts) during the build; see Portal.Web.csproj.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings*.json ./
COPY wwwroot/ wwwroot/
COPY src/ src/
RUN dotnet publish src/Portal.Web/Portal.Web.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# SkiaSharp's native library needs fontconfig; ONNX Runtime ships its own native library.
RUN apt-get update && apt-get install -y --no-install-recommends libfontconfig1 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    Portal__DataDirectory=/data
VOLUME /data
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Portal.Web.dll"]
