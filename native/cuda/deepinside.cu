/*
 * The CUDA kernels, built as one translation unit: nvcc's fixed cost per file and per target
 * architecture dominates the build (three files took three times as long as this one).
 *
 *   device.cuh   di_cuda::available: is there a device, and kernels for it
 *   gmm.cuh      GMM negative log-likelihoods for a batch of images
 *   maxflow.cuh  batched grid max-flow (push-relabel, pushrelabel.h), one thread block per grid
 *
 * Also here: dispatch.cpp (the C ABI and its argument checks, compiled into the core in every
 * CMake build), kernels.h (between the two), common.cuh, and device-check.sh (the GPU check:
 * builds and runs native/test/cuda_test.cpp on a machine with a GPU).
 */
#include "device.cuh"
#include "gmm.cuh"
#include "maxflow.cuh"
