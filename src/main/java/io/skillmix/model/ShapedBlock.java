package io.skillmix.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;

/**
 * A block whose parameter shapes are fixed at construction (values come from initialisation or a
 * checkpoint, never from DJL's shape inference) and whose output has its input's shape.
 */
abstract class ShapedBlock extends AbstractBlock {

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}
}
