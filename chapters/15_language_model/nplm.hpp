/// \file
/// \brief Chapter 15: Bengio, Ducharme, Vincent and Jauvin's (2003) neural probabilistic
/// language model. The previous n tokens' embeddings, concatenated, go through a tanh hidden
/// layer to one logit per vocabulary entry; softmax turns the logits into
/// \f$p(w_t \mid w_{t-n}, \dots, w_{t-1})\f$.
///
/// \f[ x = [C_{:,w_{t-n}}; \dots; C_{:,w_{t-1}}], \qquad a = \tanh(W_1 x + b_1), \qquad
///     z = W_2 a + b_2, \qquad p = \mathrm{softmax}(z). \f]
/// (The paper writes H, d, U, b for \f$W_1, b_1, W_2, b_2\f$ and m for the embedding size;
/// here m is the batch and d the embedding size, as in the rest of the course.)
/// The layers are chapter 06's Dense and Tanh, the loss chapter 07's softmax + cross-entropy;
/// only the embedding (embedding.hpp) is new. Forward and backward follow the formula line by
/// line, so the whole model is checked by one gradient check (tests).
/// Omits: the paper's optional direct connections from x to the output (their W), its
/// parallel training, and any weight decay.
#pragma once

#include <string>
#include <vector>

#include "chapters/06_mlp/activations.hpp"
#include "chapters/06_mlp/dense.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/15_language_model/embedding.hpp"

namespace lm {

// Dimension legend:  V vocabulary size,  d embedding size,  n context length,
//                    h hidden units,  m examples (contexts) in the batch.

/// The sizes of a model.
struct NplmShape {
  arma::uword V;  ///< vocabulary size (outputs)
  arma::uword n;  ///< context length (tokens before the predicted one)
  arma::uword d;  ///< embedding size
  arma::uword h;  ///< hidden units
};

// [nplm]
/// \brief The neural probabilistic language model: Embedding -> Dense -> tanh -> Dense (logits).
template <class T>
class Nplm {
 public:
  using Mat = arma::Mat<T>;

  Embedding<T> embedding;  ///< C: (d x V)
  mlp::Dense<T> hidden;    ///< W1: (h x n*d), b1: (h x 1)
  mlp::Tanh<T> tanh;       ///< a = tanh(W1 x + b1)
  mlp::Dense<T> output;    ///< W2: (V x h), b2: (V x 1)

  /// \brief C ~ N(0, 1); W1 and W2 by Glorot's uniform rule (chapter 08), biases 0.
  Nplm(const NplmShape& s, course::Rng& rng)
      : embedding(s.V, s.d, rng), hidden(s.n * s.d, s.h, rng), output(s.h, s.V, rng), n_(s.n) {
    mlp::glorot_uniform(hidden, rng);
    mlp::glorot_uniform(output, rng);
  }

  /// \brief Logits for a batch of contexts.
  /// \param context (n x m) token ids, oldest first; must stay alive until backward()
  /// \return Z (V x m), valid until the next forward()
  const Mat& forward(const arma::umat& context) {
    if (context.n_rows != n_)
      throw course::Error(describe() + ": expected contexts of " + std::to_string(n_) +
                          " tokens, got " + std::to_string(context.n_rows));
    const Mat& X = embedding.forward(context);       // x = stacked embeddings  (n*d x m)
    const Mat& A = tanh.forward(hidden.forward(X));  // a = tanh(W1 x + b1)     (h x m)
    return output.forward(A);                        // z = W2 a + b2           (V x m)
  }

  /// \brief Back-propagate dL/dZ (V x m) into every parameter's gradient.
  void backward(const Mat& dZ) {
    // In the forward pass z = W2 a + b2, a = tanh(W1 x + b1), x = [C_w...], so now:
    const Mat& dA = output.backward(dZ);  // dW2 = dZ a^T, db2 = sum dZ, dA = W2^T dZ  (h x m)
    const Mat& dS = tanh.backward(dA);    // dL/d(W1 x + b1) = dA . (1 - a^2)        (h x m)
    const Mat& dX = hidden.backward(dS);  // dW1 = dS x^T, db1 = sum dS, dX = W1^T dS (n*d x m)
    embedding.backward(dX);               // dC: dX scatter-added into the context's columns
  }

  /// \brief All parameters, PyTorch-style names: embedding.weight, hidden.weight, hidden.bias,
  /// output.weight, output.bias.
  std::vector<mlp::Param<T>> params() {
    std::vector<mlp::Param<T>> all = embedding.params("embedding.");
    for (auto& p : hidden.params("hidden.")) all.push_back(p);
    for (auto& p : output.params("output.")) all.push_back(p);
    return all;
  }

  /// Number of trainable numbers: Vd + (nd + 1)h + (h + 1)V.
  arma::uword n_params() const {
    return embedding.C.n_elem + hidden.W.n_elem + hidden.b.n_elem + output.W.n_elem +
           output.b.n_elem;
  }

  arma::uword n() const { return n_; }  ///< context length

  /// e.g. "Embedding(5061 -> 32) x 12 -> Dense(384 -> 128) -> Tanh -> Dense(128 -> 5061)"
  std::string describe() const {
    return embedding.describe() + " x " + std::to_string(n_) + " -> " + hidden.describe() +
           " -> Tanh -> " + output.describe();
  }

 private:
  arma::uword n_;
};
// [nplm]

}  // namespace lm
