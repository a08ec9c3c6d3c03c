/// \file
/// \brief Chapter 12: the few-shot task (k labelled images per class, the same seeded subsets
/// for every method) and a pretrained body from a safetensors file with a new head on top.
///
/// The task: a pool of labelled training images (MNIST's digits 5-9 relabelled 0-4, or all of
/// Fashion-MNIST), of which only k per class may be used for training, and the full test set of
/// those classes for reporting. Which k images is decided by few_shot_indices() from
/// (k, subset seed) alone, so from-scratch training, the linear probe and every fine-tuning
/// method see exactly the same images.
///
/// The network: every layer of a checkpoint up to (not including) its last Dense layer is the
/// *body*; the last Dense layer (the old 0-4 head) and anything after it are dropped, and a new
/// Dense(n_hidden -> n_classes) head is put on top. Layer sizes come from the tensors' shapes;
/// the activations from the file's `__metadata__` "layers" when it has one, else from a default
/// (ReLU) the caller may change.
/// Omits: class-balanced sampling of anything but the training subset, checkpoints whose
/// tensors are not named like PyTorch's `nn.Sequential` ("0.weight", "0.bias", "2.weight" ...),
/// and layer types other than Dense, ReLU, Sigmoid and Tanh.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "chapters/06_mlp/dense.hpp"
#include "chapters/06_mlp/sequential.hpp"
#include "chapters/08_training_deeper/initializers.hpp"
#include "chapters/11_pretraining/checkpoint.hpp"
#include "chapters/11_pretraining/class_subset.hpp"
#include "chapters/11_pretraining/pretrained.hpp"
#include "chapters/11_pretraining/safetensors.hpp"
#include "common/data.hpp"
#include "common/error.hpp"
#include "common/random.hpp"

namespace mlp {

// [task_data]
/// \brief A classification task before subsetting: the labelled training pool and the test set.
struct TaskData {
  std::string name;           ///< e.g. "MNIST digits 5-9", for messages and plots
  course::ImageSet pool;      ///< (784 x N) every training image the k per class are drawn from
  course::ImageSet test;      ///< (784 x n_test) all test images of the task's classes
  arma::uword n_classes = 0;  ///< K: labels are 0 .. K-1
  std::vector<std::string> class_names;  ///< class index -> name ("5" ... "9", "T-shirt/top" ...)
};
// [task_data]

/// \brief MNIST's digits 5-9, relabelled 0-4 (5 -> 0, ..., 9 -> 4): the images the shipped
/// checkpoint has never seen. Pool: the 29,404 training images of 5-9; test: all 4,861.
/// \param data_dir the dataset folder (empty: the registry's default)
inline TaskData load_digits_5_9(const std::string& data_dir = "") {
  TaskData task;
  task.name = "MNIST digits 5-9";
  task.pool = select_classes(course::load_images("mnist", "train", data_dir), 5, 9);
  task.test = select_classes(course::load_images("mnist", "test", data_dir), 5, 9);
  task.n_classes = 5;
  task.class_names = {"5", "6", "7", "8", "9"};
  return task;
}

/// \brief Fashion-MNIST, all 10 classes (the cross-domain task: clothes instead of digits).
/// \param data_dir the dataset folder (empty: the registry's default)
inline TaskData load_fashion(const std::string& data_dir = "") {
  TaskData task;
  task.name = "Fashion-MNIST";
  task.pool = course::load_images("fashion", "train", data_dir);
  task.test = course::load_images("fashion", "test", data_dir);
  task.n_classes = 10;
  task.class_names = course::dataset_info("fashion").class_names;
  return task;
}

// [few_shot_indices]
/// \brief Which k images per class: the rule every method of chapters 12 and 13 shares.
///
/// Draw one random permutation of 0 .. N-1 from a generator seeded with `subset_seed`, walk
/// it, and keep an image while its class has fewer than k kept. The result depends only on
/// (labels, k, subset_seed), not on the method or the run's --seed; and the k = 10 subset is
/// the first 10 of each class in the same permutation, so with one subset seed the subset for
/// k = 10 lies inside the one for k = 50, which lies inside the one for k = 100, and so on.
/// \param labels (N) class of each pool image, each < n_classes
/// \param n_classes K; \param k images per class (every class must have at least k)
/// \param subset_seed seeds the permutation (independent of the run's generator)
/// \return (K*k) pool indices, in increasing order (the file's order)
inline arma::uvec few_shot_indices(const arma::uvec& labels, arma::uword n_classes, arma::uword k,
                                   std::uint64_t subset_seed) {
  if (k == 0) throw course::UsageError("few_shot_indices: k must be at least 1");
  course::Rng rng(subset_seed);
  const arma::uvec order = course::permutation(labels.n_elem, rng);  // (N) a random order
  std::vector<arma::uword> taken(n_classes, 0);                      // kept so far, per class
  std::vector<arma::uword> keep;
  for (const arma::uword i : order) {
    const arma::uword c = labels[i];
    if (c >= n_classes)
      throw course::Error("few_shot_indices: label " + std::to_string(c) + " of image " +
                          std::to_string(i) +
                          " is not below n_classes = " + std::to_string(n_classes));
    if (taken[c] < k) {  // keep the first k of each class in the permuted order
      ++taken[c];
      keep.push_back(i);
    }
  }
  for (arma::uword c = 0; c < n_classes; ++c)
    if (taken[c] < k)
      throw course::UsageError("k = " + std::to_string(k) + " images per class, but class " +
                               std::to_string(c) + " has only " + std::to_string(taken[c]));
  std::sort(keep.begin(), keep.end());
  return arma::uvec(keep);
}
// [few_shot_indices]

/// \brief The k-per-class training set of a task: the pool's columns few_shot_indices() picks.
/// \return (784 x K*k) images with their labels
inline course::ImageSet few_shot_subset(const TaskData& task, arma::uword k,
                                        std::uint64_t subset_seed) {
  const arma::uvec keep = few_shot_indices(task.pool.labels, task.n_classes, k, subset_seed);
  course::ImageSet out;
  out.X = task.pool.X.cols(keep);  // (784 x K*k)
  out.labels = task.pool.labels.elem(keep);
  out.rows = task.pool.rows;
  out.cols = task.pool.cols;
  return out;
}

/// \brief The same task with its test set replaced by held-out *training* images, for choosing
/// a recipe without touching the test set.
///
/// The validation images are the first `n` pool images (in file order) that no training subset
/// uses for k <= max_k and subset seeds 0 .. n_seeds-1 (subsets are nested in k, so the
/// max_k ones cover the others). The pool is unchanged: the subsets stay exactly the same.
/// \param n validation images wanted (fewer when the pool has fewer left)
inline TaskData with_validation_set(const TaskData& task, arma::uword max_k, arma::uword n_seeds,
                                    arma::uword n) {
  arma::uvec used(task.pool.X.n_cols, arma::fill::zeros);  // 1 = in some training subset
  for (arma::uword s = 0; s < n_seeds; ++s)
    used.elem(few_shot_indices(task.pool.labels, task.n_classes, max_k, s)).ones();
  arma::uvec free = arma::find(used == 0);
  if (free.n_elem > n) free = free.head(n);
  TaskData out = task;
  out.name =
      task.name + " (validation: " + std::to_string(free.n_elem) + " held-out training images)";
  out.test.X = task.pool.X.cols(free);  // (784 x n)
  out.test.labels = task.pool.labels.elem(free);
  return out;
}

// [transfer_net]
/// \brief A pretrained body with a new head: layers [0, n_body_layers) come from the file,
/// the last layer is the new Dense head.
template <class T>
struct TransferNet {
  Sequential<T> net;               ///< body layers, then the new head (the last layer)
  std::size_t n_body_layers = 0;   ///< how many of net's layers are the pretrained body
  safetensors::Metadata metadata;  ///< the file's __metadata__ (may be empty)
  std::string layers;              ///< the body's layer types, e.g. "Dense,ReLU,Dense,ReLU"
  std::string activations_from;    ///< "__metadata__" or "default (ReLU)"
  std::string dropped;             ///< the checkpoint's old head, e.g. "Dense(64 -> 5)"

  /// \brief The new head (a Dense layer of n_classes outputs).
  Dense<T>& head() { return static_cast<Dense<T>&>(net.layer(net.size() - 1)); }

  /// \brief The body's parameters ("0.weight" ... ): hand these to an optimizer to train the
  /// body, leave them out to freeze it.
  std::vector<Param<T>> body_params() {
    std::vector<Param<T>> out;
    for (std::size_t l = 0; l < n_body_layers; ++l)
      for (auto& p : net.layer(l).params(std::to_string(l) + ".")) out.push_back(p);
    return out;
  }

  /// \brief The body's parameters of layer l only (empty for an activation).
  std::vector<Param<T>> layer_params(std::size_t l) {
    return net.layer(l).params(std::to_string(l) + ".");
  }

  /// \brief The new head's weight and bias.
  std::vector<Param<T>> head_params() { return layer_params(net.size() - 1); }
};
// [transfer_net]

namespace detail {
/// Leading decimal index of a tensor name ("12.weight" -> 12); false when there is none.
inline bool layer_index(const std::string& name, std::size_t& l) {
  std::size_t k = 0;
  l = 0;
  for (; k < name.size() && name[k] >= '0' && name[k] <= '9'; ++k)
    l = 10 * l + std::size_t(name[k] - '0');
  return k > 0 && k < name.size() && name[k] == '.';
}
}  // namespace detail

// [infer_layers]
/// \brief The layer types of a checkpoint without "layers" metadata, from its tensor names.
///
/// A PyTorch `nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)` saves "0.weight", "0.bias",
/// "2.weight", ... : index l has a weight -> Dense; an index without tensors between two Dense
/// layers -> `activation` (ReLU unless told otherwise: the tensors cannot say which). Exactly
/// one activation between two Dense layers is assumed; any other gap is an Error asking for
/// the metadata.
/// \param source the file name, for error messages
/// \return e.g. "Dense,ReLU,Dense,ReLU,Dense"
inline std::string infer_layers(const safetensors::Tensors& tensors, const std::string& activation,
                                const std::string& source) {
  std::vector<std::size_t> dense;
  for (const auto& [name, t] : tensors) {
    std::size_t l = 0;
    if (!detail::layer_index(name, l))
      throw course::Error(source + ": tensor '" + name +
                          "' is not named like a layer of a "
                          "PyTorch nn.Sequential (\"<index>.weight\")");
    if (name.substr(name.find('.') + 1) == "weight") dense.push_back(l);
  }
  std::sort(dense.begin(), dense.end());
  if (dense.empty() || dense.front() != 0)
    throw course::Error(source + ": no tensor '0.weight': the first layer must be Dense");
  std::string layers = "Dense";
  for (std::size_t i = 1; i < dense.size(); ++i) {
    if (dense[i] != dense[i - 1] + 2)
      throw course::Error(source + ": Dense layers " + std::to_string(dense[i - 1]) + " and " +
                          std::to_string(dense[i]) +
                          " are not one activation apart; add a \"layers\" "
                          "entry to __metadata__ (e.g. \"Dense,ReLU,Dense\")");
    layers += "," + activation + ",Dense";
  }
  return layers;
}
// [infer_layers]

// [load_with_new_head]
/// \brief Load a checkpoint's body and put a new Dense(n_hidden -> n_classes) head on it.
///
/// Reads the file; takes the layer types from `__metadata__` "layers" or, when absent, from
/// infer_layers() with `default_activation`; keeps the layers before the last Dense (the body),
/// builds them with the shapes of their tensors (build_from_tensors() of chapter 11, strict:
/// every body tensor must fit), and appends the new head, initialized by `init` from `rng`
/// (He: \f$ W \sim N(0, 2/n_{in}),\ b = 0 \f$ by default). The body's values are the file's,
/// bit for bit.
/// \param path a safetensors file (e.g. chapter 11's shipped_checkpoint(), or one exported from
/// PyTorch)
/// \param n_classes K, the new head's outputs
/// \param rng draws the head's initial weights
/// \param default_activation used between Dense layers when the file has no "layers" metadata
/// \param init the head's initializer
template <class T = float>
TransferNet<T> load_with_new_head(const std::string& path, arma::uword n_classes, course::Rng& rng,
                                  const std::string& default_activation = "ReLU",
                                  const Initializer<T>& init = he_normal<T>) {
  if (n_classes == 0) throw course::UsageError("the new head needs at least 1 class");
  safetensors::File file = safetensors::load_safetensors(path);
  TransferNet<T> out;
  out.metadata = file.metadata;
  std::string all;
  if (const auto it = file.metadata.find("layers"); it != file.metadata.end()) {
    all = it->second;
    out.activations_from = "__metadata__";
  } else {
    all = infer_layers(file.tensors, default_activation, path);
    out.activations_from = "default (" + default_activation + ")";
  }
  // Split "Dense,ReLU,Dense,ReLU,Dense" into types; the body ends before the last Dense.
  std::vector<std::string> types;
  for (std::size_t start = 0; start <= all.size();) {
    std::size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    types.push_back(all.substr(start, comma - start));
    start = comma + 1;
  }
  std::size_t last_dense = types.size();
  for (std::size_t l = types.size(); l-- > 0;)
    if (types[l] == "Dense") {
      last_dense = l;
      break;
    }
  if (last_dense == types.size() || last_dense == 0)
    throw course::Error(path + ": the network \"" + all +
                        "\" needs at least two Dense layers "
                        "(a body, and a head to replace)");
  // The body: layers [0, last_dense) and their tensors; the old head's tensors are dropped.
  safetensors::File body;
  for (std::size_t l = 0; l < last_dense; ++l) out.layers += (l ? "," : "") + types[l];
  body.metadata["layers"] = out.layers;
  for (auto& [name, t] : file.tensors) {
    std::size_t l = 0;
    if (!detail::layer_index(name, l))
      throw course::Error(path + ": tensor '" + name +
                          "' is not named like a layer of a "
                          "PyTorch nn.Sequential (\"<index>.weight\")");
    if (l < last_dense) body.tensors[name] = t;
  }
  if (const auto w = file.tensors.find(std::to_string(last_dense) + ".weight");
      w != file.tensors.end() && w->second.shape.size() == 2)
    out.dropped = "Dense(" + std::to_string(w->second.shape[1]) + " -> " +
                  std::to_string(w->second.shape[0]) + ")";
  LoadedNetwork<T> loaded = build_from_tensors<T>(body, path);
  out.net = std::move(loaded.net);
  out.n_body_layers = out.net.size();
  // The new head reads the last body Dense's outputs.
  arma::uword n_hidden = 0;
  for (std::size_t l = 0; l < out.net.size(); ++l)
    if (out.net.layer(l).kind() == "Dense")
      n_hidden = static_cast<const Dense<T>&>(out.net.layer(l)).n_out();
  course::Rng unused(0);  // Dense's constructor draws N(0, 1); init() redraws from the run's rng
  Dense<T>& head = out.net.template add<Dense<T>>(n_hidden, n_classes, unused);
  init(head, rng);
  return out;
}
// [load_with_new_head]

}  // namespace mlp
