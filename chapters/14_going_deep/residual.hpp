/// \file
/// \brief Chapter 14: the residual block of He, Zhang, Ren and Sun (2016), \f$ A_{out} = A_{in} +
/// F(A_{in}) \f$: a layer that owns an inner network F and adds its input to F's output.
///
/// The block is a Layer, so chapter 06's Sequential, Trainer and optimizers hold it like any
/// other; the inner F is itself a Sequential (any layers of equal input and output size). On the
/// way back the gradient splits the same way: \f$ \partial L/\partial A_{in} =
/// \partial L/\partial A_{out} + F'^T \partial L/\partial A_{out} \f$, so the first term reaches
/// the layers below unchanged, however small F's own gradient is. `dense_layers` finds every
/// Dense layer of a network, inside blocks too, for initializers and gradient probes.
/// Omits: projection shortcuts (\f$ W_s A_{in} + F(A_{in}) \f$ when the sizes differ; here they
/// never do), gates (Srivastava's highway networks), and stochastic depth.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "common/error.hpp"

namespace mlp {

// Dimension legend:  n features in and out of the block,  m examples in the batch.

// [residual]
/// \brief A residual block \f$ A_{out} = A_{in} + F(A_{in}) \f$, with F an inner Sequential
/// mapping (n x m) to (n x m). Backward, for \f$ \Delta = \partial L/\partial A_{out} \f$:
/// \f[ \frac{\partial L}{\partial A_{in}} = \Delta + \frac{\partial L}{\partial A_{in}}\Big|_F,
/// \f]
/// the second term being what backpropagation through F's layers returns for \f$\Delta\f$.
template <class T>
class Residual : public Layer<T> {
 public:
  using Mat = arma::Mat<T>;

  /// \param F the inner network (moved in); its output must have as many rows as its input
  explicit Residual(Sequential<T> F) : F_(std::move(F)) {
    if (F_.size() == 0) throw course::UsageError("Residual: the inner network F has no layers");
  }

  const Mat& forward(const Mat& A_in) override {
    const Mat& F_out = F_.forward(A_in);  // F(A_in)                    (n x m)
    if (F_out.n_rows != A_in.n_rows || F_out.n_cols != A_in.n_cols)
      throw course::Error(describe() + ": F maps " + std::to_string(A_in.n_rows) + " rows to " +
                          std::to_string(F_out.n_rows) + "; a residual block needs the same size");
    A_out_ = A_in + F_out;  // A_out = A_in + F(A_in)     (n x m)
    return A_out_;
  }

  const Mat& backward(const Mat& dA_out, bool need_dA_in = true) override {
    // In the forward pass A_out = A_in + F(A_in), so now the gradient takes both paths:
    const Mat* dF = &dA_out;  // through F, last layer first (each fills its own dW, db)
    for (std::size_t l = F_.size(); l-- > 0;) dF = &F_.layer(l).backward(*dF, l > 0 || need_dA_in);
    if (need_dA_in) dA_in_ = dA_out + *dF;  // dL/dA_in = dA_out (the skip) + F's share
    return dA_in_;
  }
  // [residual]

  /// \brief F's parameters, named "<prefix>f.<index>.<name>", e.g. "3.f.1.weight".
  std::vector<Param<T>> params(const std::string& prefix) override {
    std::vector<Param<T>> all;
    for (std::size_t l = 0; l < F_.size(); ++l)
      for (auto& p : F_.layer(l).params(prefix + "f." + std::to_string(l) + ".")) all.push_back(p);
    return all;
  }

  void set_training(bool training) override {
    Layer<T>::set_training(training);
    F_.set_training(training);
  }

  /// \brief The inner network F.
  Sequential<T>& F() { return F_; }

  std::string kind() const override { return "Residual"; }
  /// \brief A deep copy: F's layers cloned, parameters included.
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Residual>(*this); }
  /// \brief e.g. "Residual(LayerNorm(64) -> Dense(64 -> 64) -> GELU -> Dense(64 -> 64))"
  std::string describe() const override { return "Residual(" + F_.describe() + ")"; }

 private:
  Sequential<T> F_;  // the inner network
  Mat A_out_;        // (n x m) output buffer
  Mat dA_in_;        // (n x m) input-gradient buffer
};

// [dense_layers]
/// \brief Every Dense layer of a network in forward order, looking inside residual blocks
/// (chapter 08's `initialize` and `gradient_norms` see only the top level).
template <class T>
std::vector<Dense<T>*> dense_layers(Sequential<T>& net) {
  std::vector<Dense<T>*> found;
  for (std::size_t l = 0; l < net.size(); ++l) {
    if (auto* dense = dynamic_cast<Dense<T>*>(&net.layer(l)))
      found.push_back(dense);
    else if (auto* block = dynamic_cast<Residual<T>*>(&net.layer(l)))
      for (auto* inner : dense_layers(block->F())) found.push_back(inner);
  }
  return found;
}
// [dense_layers]

}  // namespace mlp
