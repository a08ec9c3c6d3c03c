// The gradient check of a whole network, used by every chapter from 06 on: for each parameter,
// the backward pass's gradient against course::check_gradient's central differences (double),
// relative error <= 1e-7, printing the worst entries on failure. Call it after backward().
#pragma once

#include <boost/test/unit_test.hpp>
#include <string>

#include "common/gradcheck.hpp"

/// \param params the network's parameters (name, value, grad), e.g. net.params()
/// \param loss   callable returning the loss for the current parameter values
/// \param label  prefix for failure messages (e.g. which penalty is checked)
template <class Params, class LossFn>
void check_every_parameter(Params&& params, LossFn&& loss, const std::string& label = "") {
  for (auto& p : params) {
    const arma::mat analytic = *p.grad;  // backward's gradient, before the checker moves things
    const auto r = course::check_gradient(*p.value, analytic, loss);
    BOOST_TEST(r.max_rel_error <= 1e-7, label << p.name << "\n" << r.report(p.name));
  }
}
