"""The cascading view's PNG export, checked for content (issue 15): the cross-unit picture of a Pemda nests its
perangkat daerah under the RPJMD-level sasaran they support, and the downloaded PNG has the picture's size (2×),
is not blank, and carries the status colours.

With ``PLANNER_SCREENSHOTS=1`` the test also refreshes ``docs/screenshots/cascade-units.png``."""
from __future__ import annotations

import base64
import os
import re
import struct

from playwright.sync_api import expect
from sqlmodel import select

from planner.models import Organization
from tests.browser.conftest import SCREENSHOTS, save_screenshot

# Decoded by the browser itself: the share of non-white pixels and the distinct colours of a sample.
PIXELS = """async (b64) => {
  const img = new Image();
  img.src = "data:image/png;base64," + b64;
  await img.decode();
  const c = document.createElement("canvas");
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let ink = 0; const colours = new Set();
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) ink++;
    if ((i / 4) % 7 === 0) colours.add((d[i] >> 4) + "," + (d[i + 1] >> 4) + "," + (d[i + 2] >> 4));
  }
  return {w: c.width, h: c.height, ink: ink / (d.length / 4), colours: colours.size};
}"""


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_cross_unit_cascade_nests_units_and_exports_a_real_png(page, login_as, s):
    pemda = s.exec(select(Organization).where(Organization.code == "PEMPROV-KALBAR")).one()
    login_as("reviewer")
    page.goto(page.base + f"/orgs/{pemda.id}/pohon")
    svg = page.locator(".cascade-viewer svg")
    expect(svg).to_be_visible()
    text = svg.evaluate("e => e.textContent")
    # Bapenda's sasaran hang under the province's sasaran SD1 and SD2, in boxes naming the unit.
    assert "Sasaran Strategis · SD1" in text and "Sasaran Strategis · SD2" in text
    assert text.count("BAPENDA-KALBAR") == 2  # one box under each of the two sasaran
    if os.environ.get("PLANNER_SCREENSHOTS") == "1":
        page.click("button[data-zoom=fit]")
        save_screenshot(page, SCREENSHOTS / "cascade-units.png")

    served = page.request.get(page.url).text()  # the picture's own size, before the viewer fits it to the screen
    width, height = map(float, re.search(r'<svg[^>]*? width="([\d.]+)" height="([\d.]+)"', served).groups())
    with page.expect_download() as download:
        page.click("button[data-export=png]")
    assert download.value.suggested_filename == "pohon-kinerja-pemprov-kalbar.png"
    data = open(download.value.path(), "rb").read()
    k = min(2, 16000 / max(width, height))
    assert _png_size(data) == (round(width * k), round(height * k))
    assert len(data) > 20_000  # a drawn picture, not an empty canvas
    seen = page.evaluate(PIXELS, base64.b64encode(data).decode())
    assert (seen["w"], seen["h"]) == _png_size(data)
    assert seen["ink"] > 0.03, seen  # boxes, lines and text, not a white page
    assert seen["colours"] >= 6, seen  # status colours and the legend survive the export
    assert not page.errors, page.errors
