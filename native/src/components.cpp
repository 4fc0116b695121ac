/*
 * The localisation box: 8-connected components of the foreground mask, the largest one (the first
 * in raster order on a tie), its inclusive bounding box and its area.
 */
#include "internal.h"

namespace di {

int32_t label_components(const uint8_t *mask, int width, int height, std::vector<int32_t> &comp,
                         std::vector<size_t> &sizes) {
  const size_t n = static_cast<size_t>(width) * static_cast<size_t>(height);
  comp.assign(n, 0);
  sizes.assign(1, 0);
  std::vector<int32_t> queue;
  int32_t count = 0;
  for (size_t start = 0; start < n; ++start) {
    if (!mask[start] || comp[start]) continue;
    const int32_t id = ++count;
    size_t size = 0;
    queue.clear();
    queue.push_back(static_cast<int32_t>(start));
    comp[start] = id;
    for (size_t h = 0; h < queue.size(); ++h) {
      const int32_t p = queue[h];
      ++size;
      const int x = p % width, y = p / width;
      for (int dy = -1; dy <= 1; ++dy) {
        const int ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const int32_t q = ny * width + nx;
          if (mask[q] && !comp[q]) {
            comp[q] = id;
            queue.push_back(q);
          }
        }
      }
    }
    sizes.push_back(size);
  }
  return count;
}

} // namespace di

namespace {

int largest_checked(const uint8_t *mask, int width, int height, uint8_t *out, int box[4], size_t *area) {
  const char *fn = "di_largest_component";
  if (!mask) return di::fail(DI_E_ARGUMENT, "%s: mask is NULL", fn);
  if (int rc = di::check_image_size(fn, width, height)) return rc;
  if (!out) return di::fail(DI_E_ARGUMENT, "%s: out is NULL", fn);
  if (!box) return di::fail(DI_E_ARGUMENT, "%s: box is NULL", fn);
  if (!area) return di::fail(DI_E_ARGUMENT, "%s: area is NULL", fn);
  std::vector<int32_t> comp;
  std::vector<size_t> sizes;
  const int32_t count = di::label_components(mask, width, height, comp, sizes);
  int32_t best = 0;
  for (int32_t c = 1; c <= count; ++c)
    if (sizes[c] > sizes[best]) best = c;
  int b[4] = {-1, -1, -1, -1};
  /* mask is fully read; out may alias it from here on */
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const size_t i = static_cast<size_t>(y) * width + x;
      const bool on = best > 0 && comp[i] == best;
      out[i] = on ? 1 : 0;
      if (!on) continue;
      if (b[0] < 0 || x < b[0]) b[0] = x;
      if (b[1] < 0) b[1] = y;
      if (x > b[2]) b[2] = x;
      b[3] = y;
    }
  for (int j = 0; j < 4; ++j) box[j] = b[j];
  *area = sizes[best];
  return DI_OK;
}

} // namespace

extern "C" int di_largest_component(const uint8_t *mask, int width, int height, uint8_t *out, int box[4],
                                    size_t *area) {
  return di::guarded("di_largest_component", [&] { return largest_checked(mask, width, height, out, box, area); });
}
