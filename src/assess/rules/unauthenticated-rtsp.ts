import type { RtspResult } from '../../modules/rtsp/result.js'
import { type AssessRule, protocolData } from '../assess-rule.js'

/** A camera that describes its stream to anyone: the video is one RTSP client away. */
export const unauthenticatedRtsp: AssessRule = {
  type: 'unauthenticated-rtsp',
  assess(record) {
    const stream = protocolData<RtspResult>(record, 'rtsp')?.unauthenticated_stream
    if (!stream) return undefined
    return {
      type: this.type,
      severity: 'high',
      title: 'RTSP video stream readable without authentication',
      detail: `DESCRIBE ${stream.path} answered 200 with a stream description (${stream.media.join(', ') || 'no media lines'})`,
    }
  },
}
