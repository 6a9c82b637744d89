import type { FindingRule } from '../../core/protocol-module.js'
import type { RtspResult } from './result.js'

/** A camera that describes its stream to anyone: the video is one RTSP client away. */
export const unauthenticatedRtsp: FindingRule<RtspResult> = {
  type: 'unauthenticated-rtsp',
  assess(rtsp) {
    const stream = rtsp.unauthenticated_stream
    if (!stream) return undefined
    return {
      type: this.type,
      severity: 'high',
      title: 'RTSP video stream readable without authentication',
      detail: `DESCRIBE ${stream.path} answered 200 with a stream description (${stream.media.join(', ') || 'no media lines'})`,
    }
  },
}
