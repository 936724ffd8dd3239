/**
 * An image the build measured (src/shared/schema.ts ImageRef): its intrinsic
 * size, so the browser reserves the box, and the smaller AVIF/WebP copies the
 * build made, offered by `<picture>` (HTML §4.8.4.3); the original is the fallback.
 */

import type { ImageRef } from '../shared/schema.ts'

export function Picture(props: { image: ImageRef; alt: string; class?: string; sizes: string; lazy?: boolean; priority?: boolean }) {
  const { image } = props
  const img = (
    <img
      class={props.class}
      src={image.src}
      alt={props.alt}
      width={image.width}
      height={image.height}
      loading={props.lazy ? 'lazy' : undefined}
      fetchpriority={props.priority ? 'high' : undefined}
      decoding="async"
    />
  )
  if (!image.sources?.length) return img
  return (
    <picture>
      {image.sources.map((s) => (
        <source type={s.type} srcset={s.srcset} sizes={props.sizes} />
      ))}
      {img}
    </picture>
  )
}
