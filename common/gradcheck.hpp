/// \file
/// \brief Gradient checking: the ground truth every backward pass in the course is tested against.
///
/// For each entry \f$\theta_i\f$ of a parameter, the loss is evaluated at nearby points and the
/// slope estimated by the fourth-order central difference
/// \f[ \frac{\partial L}{\partial \theta_i} \approx
///     \frac{-L(\theta_i + 2h) + 8L(\theta_i + h) - 8L(\theta_i - h) + L(\theta_i - 2h)}{12h}, \f]
/// whose error is \f$O(h^4)\f$ (the plain two-point form is \f$O(h^2)\f$). That lets h be large
/// enough (1e-3) that rounding stays near 1e-13, so a relative error of 1e-7 is a real bar.
/// It is compared with the analytic gradient by
/// \f[ \text{rel}_i = \frac{|g_i - \hat g_i|}{\max(|g_i|, |\hat g_i|, \text{tiny})}. \f]
/// Run it in double precision. Omits: second derivatives, and any automatic differentiation.
#pragma once

#include <algorithm>
#include <armadillo>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace course {

/// One compared entry.
struct GradEntry {
  arma::uword index;  ///< linear (column-major) index into the parameter
  double analytic;    ///< the backward pass's value
  double numeric;     ///< the finite-difference estimate
  double rel_error;   ///< relative error as defined above
};

/// The outcome of one check: the largest relative error and the worst few entries.
struct GradCheck {
  double max_rel_error = 0;      ///< max over entries
  std::vector<GradEntry> worst;  ///< up to 5 entries with the largest error, worst first

  /// Lines "name[i]: analytic a, numeric n, rel e" for a failure message.
  std::string report(const std::string& name) const {
    std::ostringstream s;
    s.precision(10);
    for (const auto& e : worst)
      s << name << "[" << e.index << "]: analytic " << e.analytic << ", numeric " << e.numeric
        << ", rel " << e.rel_error << "\n";
    return s.str();
  }
};

/// \brief Compare an analytic gradient with the numeric one, entry by entry.
/// \param param    the parameter (any shape); perturbed in place and restored exactly
/// \param analytic dL/dparam from the backward pass, same shape
/// \param loss     callable returning the loss (double) for the current value of param
/// \param h        step; \param tiny floor of the denominator (entries near zero)
template <class Mat, class LossFn>
GradCheck check_gradient(Mat& param, const Mat& analytic, LossFn&& loss, double h = 1e-3,
                         double tiny = 1e-5) {
  if (param.n_rows != analytic.n_rows || param.n_cols != analytic.n_cols)
    throw std::invalid_argument("check_gradient: parameter is " + std::to_string(param.n_rows) +
                                " x " + std::to_string(param.n_cols) + ", gradient is " +
                                std::to_string(analytic.n_rows) + " x " +
                                std::to_string(analytic.n_cols));
  GradCheck result;
  std::vector<GradEntry> all;
  for (arma::uword i = 0; i < param.n_elem; ++i) {
    // [central_difference]
    const auto saved = param[i];
    auto at = [&](double step) {
      param[i] = saved + step;
      const double L = loss();
      param[i] = saved;
      return L;
    };
    const double numeric = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    const double g = analytic[i];
    const double rel = std::abs(g - numeric) / std::max({std::abs(g), std::abs(numeric), tiny});
    all.push_back({i, g, numeric, rel});
    // [central_difference]
    result.max_rel_error = std::max(result.max_rel_error, rel);
  }
  std::sort(all.begin(), all.end(),
            [](const GradEntry& a, const GradEntry& b) { return a.rel_error > b.rel_error; });
  all.resize(std::min<std::size_t>(all.size(), 5));
  result.worst = all;
  return result;
}

}  // namespace course
