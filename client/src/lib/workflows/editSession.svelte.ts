import { UndoStack } from './undoStack';

/**
 * Which feature the workflow panel shows (set by the map's identify popup) and this session's
 * undo stack, shared by the panel and the map editor.
 */
class EditSession {
  target = $state.raw<{ layerId: string; featureId: number } | null>(null);
  /** Bumped after every saved change so the map and panel reload what they show. */
  revision = $state(0);
  undo = new UndoStack();
  undoSize = $state(0);
  /** While the map editor draws, a map click is a vertex, not an identify request. */
  drawing = $state(false);

  open(layerId: string, featureId: number) {
    this.target = { layerId, featureId };
  }

  close() {
    this.target = null;
  }

  /** The layer whose tiles the map must fetch again after a change. */
  changedLayerId = $state<string | null>(null);

  changed(layerId?: string) {
    if (layerId) this.changedLayerId = layerId;
    else if (this.target) this.changedLayerId = this.target.layerId;
    this.revision += 1;
    this.undoSize = this.undo.size;
  }
}

export const editSession = new EditSession();
