/// \file
/// \brief Plots as headless PNGs (gnuplot's pngcairo terminal, driven through gnuplot-iostream),
/// each written together with the CSV of the numbers behind it (`name.png` + `name.csv`).
///
/// Five kinds cover the course: line series, a scatter coloured by class (with optional
/// lines on top), 2-D decision regions, a heatmap (confusion matrix) and an image grid
/// (digits, first-layer weights). Files appear complete or not at all. Without gnuplot on PATH
/// a plot is a course::Error with the package to install (gnuplot-iostream would otherwise die
/// of SIGPIPE, exit 141).
#pragma once

#include <armadillo>
#include <functional>
#include <string>
#include <vector>

namespace course {

/// One named curve or point set.
struct Series {
  std::string title;            ///< legend entry
  std::vector<double> x;        ///< x values
  std::vector<double> y;        ///< y values, as many as x
  std::string style = "lines";  ///< gnuplot style: "lines", "points", "linespoints", "yerrorlines"
  std::vector<double> err;      ///< error bars (only with a style that has them: "yerrorlines",
                                ///< "yerrorbars", "boxerrorbars")
};

/// What every plot has: a title, axis labels and a size.
struct PlotOptions {
  PlotOptions() = default;
  /// Title and axis labels; the rest keeps its defaults.
  PlotOptions(std::string title_, std::string xlabel_, std::string ylabel_)
      : title(std::move(title_)), xlabel(std::move(xlabel_)), ylabel(std::move(ylabel_)) {}
  std::string title;
  std::string xlabel;
  std::string ylabel;
  bool logx = false;  ///< logarithmic x axis
  bool logy = false;  ///< logarithmic y axis
  int width = 720;    ///< pixels
  int height = 450;   ///< pixels
  std::string extra;  ///< further gnuplot commands, one per line, run just before the plot
                      ///< (e.g. "set yrange [0:1]", "set cblabel 'p(virginica)'")
};

/// \brief True when the gnuplot executable is on PATH.
bool gnuplot_available();

/// \brief Line (or point) series on one pair of axes. CSV: series,x,y[,err].
void line_plot(const std::string& png, const PlotOptions& options,
               const std::vector<Series>& series);

/// \brief Points of a 2-D dataset coloured by class, with optional overlay series (e.g.
/// decision boundaries). CSV: x,y,label.
/// \param X2 (2 x n) coordinates; \param labels (n) class per point
void scatter_classes(const std::string& png, const PlotOptions& options, const arma::mat& X2,
                     const arma::uvec& labels, const std::vector<std::string>& class_names,
                     const std::vector<Series>& overlays = {});

/// \brief A value over the plane (class index or probability) drawn as a coloured background,
/// with the data points on top. CSV: the grid, x,y,value.
/// \param value     function of (x, y): a class index (discrete) or a probability in [0, 1]
///                  (continuous: 0 is drawn in class 0's colour, 1 in class 1's)
/// \param discrete  true: value is a class index; false: a continuous value in [0, 1]
/// \param resolution grid points per axis
void decision_regions(const std::string& png, const PlotOptions& options, const arma::mat& X2,
                      const arma::uvec& labels, const std::vector<std::string>& class_names,
                      const std::function<double(double, double)>& value, bool discrete,
                      int resolution = 150);

/// \brief A matrix as coloured cells with its numbers written in (confusion matrix).
/// CSV: row,col,value. Row 0 is drawn at the top.
void heatmap(const std::string& png, const PlotOptions& options, const arma::mat& M,
             const std::vector<std::string>& row_names, const std::vector<std::string>& col_names);

/// \brief Small images in a grid with a caption each (digits, or weights as images).
/// CSV: image,row,col,value.
/// \param images (height*width x n), one image per column, pixels row after row
/// \param diverging false: grey scale on [0, 1]; true: blue-white-red around 0, scaled per image
void image_grid(const std::string& png, const PlotOptions& options, const arma::mat& images,
                arma::uword height, arma::uword width, arma::uword grid_cols,
                const std::vector<std::string>& captions = {}, bool diverging = false);

}  // namespace course
