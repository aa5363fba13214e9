#!/usr/bin/env bash
# Installs the Debian packages that manim needs (pycairo and manimpango build from source on
# Linux; ffmpeg encodes; TeX typesets our own formulas; fonts draw any token). Quick and silent when all are present.
set -euo pipefail
packages=(libcairo2-dev libpango1.0-dev pkg-config ffmpeg
          texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm
          fonts-dejavu-core fonts-wqy-zenhei)   # fonts: Latin text and CJK tokens such as 猫
# `tools/ensure_apt.sh browser`: also the headless Chromium the tests play our pages in
if [ "${1:-}" = "browser" ]; then packages+=(chromium chromium-driver); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to apt-get install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
