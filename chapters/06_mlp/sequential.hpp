/// \file
/// \brief Chapter 06: a network as a sequence of layers, the output of one the input of the next.
///
/// Forward runs the layers in order; backward runs them in reverse, each turning the gradient
/// with respect to its output into the gradient with respect to its input (the chain rule,
/// one layer at a time). Omits: branches and skip connections.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "chapters/06_mlp/layer.hpp"

namespace mlp {

template <class T>
class Sequential {
 public:
  using Mat = arma::Mat<T>;

  Sequential() = default;
  Sequential(Sequential&&) noexcept = default;
  Sequential& operator=(Sequential&&) noexcept = default;
  /// \brief A deep copy: every layer cloned, parameters included.
  Sequential(const Sequential& other) {
    for (const auto& layer : other.layers_) layers_.push_back(layer->clone());
  }
  Sequential& operator=(const Sequential& other) {
    if (this != &other) *this = Sequential(other);
    return *this;
  }

  /// \brief Append a layer built in place, e.g. `net.add<Dense<float>>(784, 30, rng)`.
  /// \return a reference to the new layer
  template <class L, class... Args>
  L& add(Args&&... args) {
    layers_.push_back(std::make_unique<L>(std::forward<Args>(args)...));
    return static_cast<L&>(*layers_.back());
  }

  /// \brief Append a layer made elsewhere (e.g. a clone of another network's layer).
  Layer<T>& add(std::unique_ptr<Layer<T>> layer) {
    layers_.push_back(std::move(layer));
    return *layers_.back();
  }

  // [sequential]
  /// \brief \f$ A^{(0)} = X,\ A^{(l)} = f_l(A^{(l-1)}) \f$; returns the last layer's output.
  /// \param X (n_in x m) a batch; must stay alive until backward()
  const Mat& forward(const Mat& X) {
    const Mat* A = &X;
    for (auto& layer : layers_) A = &layer->forward(*A);
    return *A;
  }

  /// \brief Chain rule through the layers in reverse: each maps dL/d(output) to dL/d(input)
  /// and fills its parameter gradients. The first layer's input gradient is not computed.
  /// \param dA (n_out x m) gradient of the loss with respect to the network's output
  void backward(const Mat& dA) {
    const Mat* grad = &dA;
    for (std::size_t l = layers_.size(); l-- > 0;) grad = &layers_[l]->backward(*grad, l > 0);
  }
  // [sequential]

  /// \brief backward() and a plain SGD step of every parameter, fused layer by layer (the fast
  /// path, see Layer::backward_sgd); only valid when every layer with parameters fuses_sgd().
  void backward_sgd(const Mat& dA, T eta) {
    const Mat* grad = &dA;
    for (std::size_t l = layers_.size(); l-- > 0;)
      grad = &layers_[l]->backward_sgd(*grad, eta, l > 0);
  }

  /// \brief Whether backward_sgd() would update every parameter of the network.
  bool fuses_sgd() {
    for (auto& layer : layers_)
      if (!layer->fuses_sgd() && !layer->params("").empty()) return false;
    return true;
  }

  /// \brief All trainable parameters, named "<index>.weight" / "<index>.bias" like PyTorch.
  std::vector<Param<T>> params() {
    std::vector<Param<T>> all;
    for (std::size_t l = 0; l < layers_.size(); ++l)
      for (auto& p : layers_[l]->params(std::to_string(l) + ".")) all.push_back(p);
    return all;
  }

  /// \brief Put every layer in training (true) or evaluation (false) mode.
  void set_training(bool training) {
    for (auto& layer : layers_) layer->set_training(training);
  }

  std::size_t size() const { return layers_.size(); }
  Layer<T>& layer(std::size_t l) { return *layers_[l]; }

  /// \brief e.g. "Dense(784 -> 30) -> Sigmoid -> Dense(30 -> 10) -> Sigmoid"
  std::string describe() const {
    std::string s;
    for (const auto& layer : layers_) s += (s.empty() ? "" : " -> ") + layer->describe();
    return s;
  }

  /// \brief Number of trainable numbers in the network.
  arma::uword n_params() {
    arma::uword n = 0;
    for (auto& p : params()) n += p.value->n_elem;
    return n;
  }

 private:
  std::vector<std::unique_ptr<Layer<T>>> layers_;
};

}  // namespace mlp
