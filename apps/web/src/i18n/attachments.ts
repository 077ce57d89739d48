/** The attachments' texts (composer, message files), English and Spanish; merged into en.ts and es.ts. */
export const attachmentsEn = {
  attach: 'Attach',
  hint: 'Attach files (or drop them here): PDF, images, text, CSV, Office; 25 MB at most',
  dropHere: 'Drop the files to attach them',
  pending: 'Files to send',
  uploading: 'Uploading {{name}}: {{percent}}%',
  ready: 'ready',
  remove: 'Remove {{name}}',
  list: 'Attached files',
  download: 'Download {{name}}',
  downloadShort: 'Download',
  preview: 'Preview {{name}}',
  previewShort: 'Preview',
  noPdfViewer: 'This browser cannot show PDFs here; download the file instead.',
};

export const attachmentsEs: Record<keyof typeof attachmentsEn, string> = {
  attach: 'Adjuntar',
  hint: 'Adjuntar archivos (o soltarlos aquí): PDF, imágenes, texto, CSV, Office; 25 MB como máximo',
  dropHere: 'Suelte los archivos para adjuntarlos',
  pending: 'Archivos por enviar',
  uploading: 'Subiendo {{name}}: {{percent}} %',
  ready: 'listo',
  remove: 'Quitar {{name}}',
  list: 'Archivos adjuntos',
  download: 'Descargar {{name}}',
  downloadShort: 'Descargar',
  preview: 'Vista previa de {{name}}',
  previewShort: 'Vista previa',
  noPdfViewer: 'Este navegador no puede mostrar PDF aquí; descargue el archivo.',
};
