/// \file
/// \brief Chapter 06: the layer interface every network in chapters 06-13 is built from.
///
/// A layer maps a batch \f$A_{in}\f$ (n_in x m, one example per column) to \f$A_{out}\f$
/// (n_out x m) in `forward`, and in `backward` maps \f$\partial L/\partial A_{out}\f$ to
/// \f$\partial L/\partial A_{in}\f$ while filling the gradients of its own parameters. Forward
/// and backward of each layer sit side by side in one header, as in micrograd.
///
/// Layers own their output buffers and reuse them from batch to batch: after the first batch a
/// training step allocates nothing. The element type T is `float` for training and `double`
/// for gradient checks (the same code runs in both).
/// Omits: automatic differentiation (every backward is written by hand), and layers with
/// several inputs.
#pragma once

#include <armadillo>
#include <memory>
#include <string>
#include <vector>

namespace mlp {

// [param]
/// \brief A trainable tensor and its gradient, as the optimizer sees them.
///
/// An optimizer is handed a list of these and updates exactly those: freezing a layer later
/// (chapter 12) means not handing it its parameters.
template <class T>
struct Param {
  std::string name;      ///< e.g. "0.weight", "0.bias" (PyTorch's nn.Sequential naming)
  arma::Mat<T>* value;   ///< the parameter (W or b)
  arma::Mat<T>* grad;    ///< dL/d(value), same shape, written by backward()
  bool is_bias = false;  ///< a bias (or another additive offset): penalties leave these alone
};
// [param]

// [layer]
/// \brief The interface of a layer: forward, backward, parameters, train/eval mode.
template <class T>
class Layer {
 public:
  using Mat = arma::Mat<T>;
  virtual ~Layer() = default;

  /// \brief Compute this layer's output for a batch.
  /// \param A_in (n_in x m) input; must stay alive until backward() (the layer keeps a reference)
  /// \return (n_out x m) output, owned by the layer and valid until the next forward()
  virtual const Mat& forward(const Mat& A_in) = 0;

  /// \brief Back-propagate: given dL/dA_out, fill parameter gradients and return dL/dA_in.
  /// \param dA_out (n_out x m) gradient of the loss with respect to this layer's output
  /// \param need_dA_in false for the first layer: its input gradient is never used
  /// \return (n_in x m) gradient with respect to the input (empty when !need_dA_in)
  virtual const Mat& backward(const Mat& dA_out, bool need_dA_in = true) = 0;

  /// \brief The fast path for plain SGD (train.hpp): backward() and the step
  /// \f$ \theta \leftarrow \theta - \eta\, \partial L/\partial\theta \f$ for this layer's
  /// parameters in one pass, without storing the gradients. Returns dL/dA_in as backward() does.
  /// The default is backward(): right for layers without parameters. A layer with parameters
  /// that overrides it also says so in fuses_sgd(); the trainer takes the fast path only when
  /// every layer with parameters does.
  virtual const Mat& backward_sgd(const Mat& dA_out, T eta, bool need_dA_in) {
    (void)eta;
    return backward(dA_out, need_dA_in);
  }
  /// \brief Whether backward_sgd() also updates this layer's parameters (see there).
  virtual bool fuses_sgd() const { return false; }

  /// \brief The layer's trainable parameters (none for an activation).
  /// \param prefix name prefix, e.g. "0." for the first layer of a Sequential
  virtual std::vector<Param<T>> params(const std::string& prefix) {
    (void)prefix;
    return {};
  }

  /// \brief Training or evaluation mode (dropout, chapter 09, behaves differently in each).
  virtual void set_training(bool training) { training_ = training; }
  bool training() const { return training_; }

  /// \brief What kind of layer this is, e.g. "Dense", "Sigmoid" (the class's name).
  virtual std::string kind() const = 0;

  /// \brief A short description, e.g. "Dense(784 -> 30)", used in error messages.
  virtual std::string describe() const { return kind(); }

  /// \brief A copy of this layer, parameters included (to copy a whole network).
  virtual std::unique_ptr<Layer<T>> clone() const = 0;

 protected:
  bool training_ = true;
};
// [layer]

}  // namespace mlp
