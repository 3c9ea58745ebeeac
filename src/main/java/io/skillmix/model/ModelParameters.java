package io.skillmix.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/** Parameter factories: shapes are fixed at construction, values come from init or a checkpoint. */
final class ModelParameters {

  private ModelParameters() {}

  static Parameter weight(String name, Shape shape) {
    return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape).build();
  }

  static Parameter bias(String name, Shape shape) {
    return Parameter.builder().setName(name).setType(Parameter.Type.BIAS).optShape(shape).build();
  }
}
