#!/usr/bin/env bash
# Installs the system tools the tests use (Debian 12, as root): the browser and the independent validators.
set -euo pipefail
need=()
for pair in chromium:chromium gpsbabel:gpsbabel xmllint:libxml2-utils qpdf:qpdf pdftotext:poppler-utils 7z:p7zip-full unzip:unzip; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
/usr/bin/python3 -c 'import openpyxl, gpxpy' 2>/dev/null || need+=(python3-openpyxl python3-gpxpy)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
