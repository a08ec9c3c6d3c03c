// Plots through gnuplot-iostream (see plot.hpp). Data goes to gnuplot inline ('-'); the same
// numbers go to a CSV beside the PNG. The PNG is written to a temporary name and renamed.
#include "common/plot.hpp"

#include <gnuplot-iostream.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "common/error.hpp"
#include "common/run.hpp"

namespace course {
namespace {

// Eight colours that stay apart for colour-blind readers (Okabe-Ito), then two more.
const char* const kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                "#56B4E9", "#F0E442", "#000000", "#999999", "#8B4513"};
// Lighter versions of the same, for region backgrounds.
const char* const kLight[] = {"#B3D4EA", "#F2CDB3", "#B3E2D5", "#F0D7E6", "#F7E2B3",
                              "#CCE9F9", "#FAF7C5", "#BBBBBB", "#E0E0E0", "#DCC7B8"};

std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') q += '\\';
    q += ch;
  }
  return q + "\"";
}

void ensure_parent(const std::string& file) {
  const auto parent = std::filesystem::path(file).parent_path();
  if (!parent.empty()) make_out_dir(parent.string());
}

std::string csv_path(const std::string& png) {
  const auto dot = png.rfind(".png");
  return (dot == std::string::npos ? png : png.substr(0, dot)) + ".csv";
}

/// One gnuplot process writing one PNG; the file is renamed into place when it is complete.
class Figure {
 public:
  Figure(const std::string& png, const PlotOptions& o) : png_(png), tmp_(png + ".tmp.png") {
    if (!gnuplot_available())
      throw Error(png +
                  ": gnuplot not found on PATH (install Debian package gnuplot-nox, or "
                  "run ./course setup; --no-plots skips plots)");
    std::signal(SIGPIPE, SIG_IGN);  // a gnuplot that dies must give an error, not kill us
    ensure_parent(png);
    script_ << "set terminal pngcairo size " << o.width << "," << o.height
            << " noenhanced font 'DejaVu Sans,10'\n"
            << "set output " << quoted(tmp_) << "\n"
            << "set title " << quoted(o.title) << "\n"
            << "set xlabel " << quoted(o.xlabel) << "\n"
            << "set ylabel " << quoted(o.ylabel) << "\n"
            << "set datafile separator whitespace\n"
            << "set key tmargin center horizontal box opaque\n";
    if (o.logx) script_ << "set logscale x\n";
    if (o.logy) script_ << "set logscale y\n";
  }

  std::ostringstream& script() { return script_; }

  /// Send everything to gnuplot, wait for it, and move the PNG into place.
  void finish() {
    std::remove(tmp_.c_str());
    PendingFile pending(tmp_);  // Ctrl-C while gnuplot draws leaves no half-written PNG
    {
      Gnuplot gp("gnuplot");
      gp << script_.str() << "\nset output\nexit\n";
      gp.flush();
    }  // the destructor waits for gnuplot to exit
    std::error_code ec;
    if (!std::filesystem::exists(tmp_) || std::filesystem::file_size(tmp_, ec) == 0)
      throw Error(png_ + ": gnuplot did not write the plot (see its message above)");
    std::filesystem::rename(tmp_, png_, ec);
    if (ec)
      throw Error(png_ + ": cannot rename the finished plot into place (" + ec.message() + ")");
  }

 private:
  std::string png_, tmp_;
  std::ostringstream script_;
};

}  // namespace

bool gnuplot_available() {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && access((dir + "/gnuplot").c_str(), X_OK) == 0) return true;
  return false;
}

namespace {
/// Styles with a third column, the error bar: yerrorlines, yerrorbars, boxerrorbars.
bool has_error_bars(const Series& s) { return s.style.find("error") != std::string::npos; }
}  // namespace

void line_plot(const std::string& png, const PlotOptions& o, const std::vector<Series>& series) {
  std::ostringstream csv;
  csv << "series,x,y,err\n";
  for (const auto& s : series)
    for (std::size_t i = 0; i < s.x.size(); ++i)
      csv << quoted(s.title) << "," << s.x[i] << "," << s.y[i] << ","
          << (i < s.err.size() ? std::to_string(s.err[i]) : "") << "\n";
  ensure_parent(png);
  write_file_atomic(csv_path(png), csv.str());

  Figure fig(png, o);
  auto& g = fig.script();
  g << "set grid\n" << o.extra << "\nplot ";
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    g << (k ? ", " : "") << "'-' using 1:2" << (has_error_bars(s) ? ":3" : "") << " with "
      << s.style << " lw 2 lc rgb '" << kColours[k % 10] << "' title " << quoted(s.title);
  }
  if (series.empty()) g << "0 notitle";
  g << "\n";
  for (const auto& s : series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      g << s.x[i] << " " << s.y[i];
      if (has_error_bars(s)) g << " " << (i < s.err.size() ? s.err[i] : 0.0);
      g << "\n";
    }
    g << "e\n";
  }
  fig.finish();
}

namespace {

void points_by_class(std::ostringstream& g, const arma::mat& X2, const arma::uvec& labels,
                     const std::vector<std::string>& names, bool first_in_plot,
                     std::vector<std::string>& data_blocks) {
  for (std::size_t c = 0; c < names.size(); ++c) {
    std::ostringstream block;
    for (arma::uword j = 0; j < X2.n_cols; ++j)
      if (labels[j] == c) block << X2(0, j) << " " << X2(1, j) << "\n";
    if (block.str().empty()) continue;
    g << (first_in_plot && data_blocks.empty() ? "" : ", ")
      << "'-' with points pt 7 ps 1.1 lc rgb '" << kColours[c % 10] << "' title "
      << quoted(names[c]);
    data_blocks.push_back(block.str() + "e\n");
  }
}

std::string points_csv(const arma::mat& X2, const arma::uvec& labels) {
  std::ostringstream csv;
  csv << "x,y,label\n";
  for (arma::uword j = 0; j < X2.n_cols; ++j)
    csv << X2(0, j) << "," << X2(1, j) << "," << labels[j] << "\n";
  return csv.str();
}

void check_points(const std::string& png, const arma::mat& X2, const arma::uvec& labels) {
  if (X2.n_rows != 2 || X2.n_cols != labels.n_elem)
    throw Error(png + ": expected 2 x n points and n labels, got " + std::to_string(X2.n_rows) +
                " x " + std::to_string(X2.n_cols) + " and " + std::to_string(labels.n_elem));
}

}  // namespace

void scatter_classes(const std::string& png, const PlotOptions& o, const arma::mat& X2,
                     const arma::uvec& labels, const std::vector<std::string>& class_names,
                     const std::vector<Series>& overlays) {
  check_points(png, X2, labels);
  ensure_parent(png);
  write_file_atomic(csv_path(png), points_csv(X2, labels));
  Figure fig(png, o);
  auto& g = fig.script();
  g << "set grid\n" << o.extra << "\nplot ";
  std::vector<std::string> blocks;
  points_by_class(g, X2, labels, class_names, true, blocks);
  for (std::size_t k = 0; k < overlays.size(); ++k) {
    const auto& s = overlays[k];
    if (s.x.empty()) continue;  // e.g. a boundary that does not exist (w = 0)
    // Overlays fade from light to dark grey, so the last (e.g. the final boundary) stands out.
    const int shade =
        overlays.size() > 1 ? static_cast<int>(200 - 200.0 * k / (overlays.size() - 1)) : 0;
    char colour[16];
    std::snprintf(colour, sizeof colour, "#%02x%02x%02x", shade, shade, shade);
    g << ", '-' with " << s.style << " lw 2 lc rgb '" << colour << "' "
      << (s.title.empty() ? "notitle" : "title " + quoted(s.title));
    std::ostringstream block;
    for (std::size_t i = 0; i < s.x.size(); ++i) block << s.x[i] << " " << s.y[i] << "\n";
    blocks.push_back(block.str() + "e\n");
  }
  g << "\n";
  for (const auto& b : blocks) g << b;
  fig.finish();
}

void decision_regions(const std::string& png, const PlotOptions& o, const arma::mat& X2,
                      const arma::uvec& labels, const std::vector<std::string>& class_names,
                      const std::function<double(double, double)>& value, bool discrete,
                      int resolution) {
  check_points(png, X2, labels);
  // The grid covers the data with a margin of 10% of its range on each side.
  const double x0 = X2.row(0).min(), x1 = X2.row(0).max();
  const double y0 = X2.row(1).min(), y1 = X2.row(1).max();
  const double mx = 0.1 * (x1 - x0 + 1e-9), my = 0.1 * (y1 - y0 + 1e-9);
  const arma::vec gx = arma::linspace(x0 - mx, x1 + mx, resolution);
  const arma::vec gy = arma::linspace(y0 - my, y1 + my, resolution);
  std::ostringstream grid, csv;
  csv << "x,y,value\n";
  for (double y : gy) {
    for (double x : gx) {
      const double v = value(x, y);
      grid << x << " " << y << " " << v << "\n";
      csv << x << "," << y << "," << v << "\n";
    }
    grid << "\n";
  }
  ensure_parent(png);
  write_file_atomic(csv_path(png), csv.str());

  Figure fig(png, o);
  auto& g = fig.script();
  g << "set xrange [" << gx.front() << ":" << gx.back() << "]\n"
    << "set yrange [" << gy.front() << ":" << gy.back() << "]\n";
  if (discrete) {
    const std::size_t k = std::max<std::size_t>(class_names.size(), 2);
    g << "set palette maxcolors " << k << "\nset palette defined (";
    for (std::size_t c = 0; c < k; ++c) g << (c ? ", " : "") << c << " '" << kLight[c % 10] << "'";
    g << ")\nset cbrange [-0.5:" << k - 0.5 << "]\nunset colorbox\n";
  } else {
    // 0 in class 0's colour, 1 in class 1's: a probability of class 1 reads at a glance.
    g << "set palette defined (0 '" << kLight[0] << "', 0.5 '#FFFFFF', 1 '" << kLight[1]
      << "')\nset cbrange [0:1]\n";
  }
  g << o.extra << "\nplot '-' using 1:2:3 with image notitle";
  std::vector<std::string> blocks{grid.str() + "e\n"};
  points_by_class(g, X2, labels, class_names, false, blocks);
  g << "\n";
  for (const auto& b : blocks) g << b;
  fig.finish();
}

void heatmap(const std::string& png, const PlotOptions& o, const arma::mat& M,
             const std::vector<std::string>& row_names, const std::vector<std::string>& col_names) {
  std::ostringstream csv, data;
  csv << "row,col,value\n";
  for (arma::uword i = 0; i < M.n_rows; ++i)
    for (arma::uword j = 0; j < M.n_cols; ++j) {
      csv << i << "," << j << "," << M(i, j) << "\n";
      data << j << " " << i << " " << M(i, j) << "\n";
    }
  ensure_parent(png);
  write_file_atomic(csv_path(png), csv.str());

  Figure fig(png, o);
  auto& g = fig.script();
  g << "set yrange [" << M.n_rows - 0.5 << ":-0.5]\nset xrange [-0.5:" << M.n_cols - 0.5 << "]\n"
    << "set palette defined (0 '#FFFFFF', 1 '#0072B2')\nset key off\nset tics scale 0\n";
  g << "set xtics (";
  for (std::size_t j = 0; j < col_names.size(); ++j)
    g << (j ? ", " : "") << quoted(col_names[j]) << " " << j;
  g << ") rotate by 30 right\nset ytics (";
  for (std::size_t i = 0; i < row_names.size(); ++i)
    g << (i ? ", " : "") << quoted(row_names[i]) << " " << i;
  g << ")\n";
  const double top = M.max();
  g << o.extra << "\n";
  // The numbers in the cells: white on dark cells, black on light ones.
  g << "plot '-' using 1:2:3 with image, "
    << "'-' using 1:2:($3 > " << top / 2
    << " ? sprintf('%g', $3) : '') with labels tc rgb 'white' font ',9', "
    << "'-' using 1:2:($3 > " << top / 2
    << " ? '' : sprintf('%g', $3)) with labels tc rgb 'black' font ',9'\n";
  g << data.str() << "e\n" << data.str() << "e\n" << data.str() << "e\n";
  fig.finish();
}

void image_grid(const std::string& png, const PlotOptions& o, const arma::mat& images,
                arma::uword height, arma::uword width, arma::uword grid_cols,
                const std::vector<std::string>& captions, bool diverging) {
  if (images.n_rows != height * width)
    throw Error(png + ": expected images of " + std::to_string(height) + " x " +
                std::to_string(width) + " = " + std::to_string(height * width) +
                " pixels per column, got " + std::to_string(images.n_rows));
  const arma::uword n = images.n_cols;
  grid_cols = std::max<arma::uword>(1, std::min(grid_cols, n));
  const arma::uword grid_rows = (n + grid_cols - 1) / grid_cols;
  const arma::uword gap = 2;
  const arma::uword cell_h = height + gap + (captions.empty() ? 0 : 8), cell_w = width + gap;

  std::ostringstream csv, data;
  csv << "image,row,col,value\n";
  // One mosaic: background value NaN (drawn white), each image scaled as asked.
  arma::mat mosaic(grid_rows * cell_h, grid_cols * cell_w);
  mosaic.fill(arma::datum::nan);
  for (arma::uword k = 0; k < n; ++k) {
    const arma::uword r0 = (k / grid_cols) * cell_h, c0 = (k % grid_cols) * cell_w;
    const double scale = diverging ? std::max(1e-12, arma::abs(images.col(k)).max()) : 1.0;
    for (arma::uword r = 0; r < height; ++r)
      for (arma::uword c = 0; c < width; ++c) {
        const double v = images(r * width + c, k);
        csv << k << "," << r << "," << c << "," << v << "\n";
        mosaic(r0 + r, c0 + c) = v / scale;
      }
  }
  for (arma::uword r = 0; r < mosaic.n_rows; ++r) {
    for (arma::uword c = 0; c < mosaic.n_cols; ++c)
      data << c << " " << r << " "
           << (std::isnan(mosaic(r, c)) ? std::string("NaN") : std::to_string(mosaic(r, c)))
           << "\n";
    data << "\n";
  }
  ensure_parent(png);
  write_file_atomic(csv_path(png), csv.str());

  Figure fig(png, o);
  auto& g = fig.script();
  g << "unset xtics\nunset ytics\nunset border\nunset colorbox\nset key off\n"
    << "set size ratio -1\nset xrange [-0.5:" << mosaic.n_cols - 0.5 << "]\n"
    << "set yrange [" << mosaic.n_rows - 0.5 << ":-0.5]\n";
  if (diverging)
    g << "set palette defined (-1 '#2166AC', 0 '#FFFFFF', 1 '#B2182B')\nset cbrange [-1:1]\n";
  else
    g << "set palette gray negative\nset cbrange [0:1]\n";
  for (arma::uword k = 0; k < n && k < captions.size(); ++k) {
    const double x = (k % grid_cols) * cell_w + width / 2.0;
    const double y = (k / grid_cols) * cell_h + height + 4.5;
    g << "set label " << k + 1 << " " << quoted(captions[k]) << " at " << x << "," << y
      << " center font ',8'\n";
  }
  g << o.extra << "\nplot '-' using 1:2:3 with image\n" << data.str() << "e\n";
  fig.finish();
}

}  // namespace course
