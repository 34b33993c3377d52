<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
  <context>
    <name>BookmarkPanel</name>
    <message>
      <source>{ref} — extraction {extractions}</source>
      <translation>{ref} — extraction {extractions}</translation>
    </message>
  </context>
  <context>
    <name>ExportDialog</name>
    <message>
      <source>Burn camera, commune and time into re-encoded videos (cameras with masks)</source>
      <translation>Incruster caméra, commune et heure dans les vidéos réencodées (caméras avec masques)</translation>
    </message>
    <message>
      <source>Destination folder</source>
      <translation>Dossier de destination</translation>
    </message>
    <message>
      <source>Scanned requisition</source>
      <translation>Réquisition scannée</translation>
    </message>
    <message>
      <source>PDF or image ({patterns})</source>
      <translation>PDF ou image ({patterns})</translation>
    </message>
    <message>
      <source>Extraction for a requisition</source>
      <translation>Extraction pour réquisition</translation>
    </message>
    <message>
      <source>none (optional)</source>
      <translation>aucune (facultatif)</translation>
    </message>
    <message>
      <source>&amp;Extract</source>
      <translation>&amp;Extraire</translation>
    </message>
    <message>
      <source>&amp;Cancel the extraction</source>
      <translation>&amp;Annuler l'extraction</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Fermer</translation>
    </message>
    <message>
      <source>Commune</source>
      <translation>Commune</translation>
    </message>
    <message>
      <source>Cameras</source>
      <translation>Caméras</translation>
    </message>
    <message>
      <source>Start (Paris time)</source>
      <translation>Début (heure de Paris)</translation>
    </message>
    <message>
      <source>End (Paris time)</source>
      <translation>Fin (heure de Paris)</translation>
    </message>
    <message>
      <source>Procedure or PV number</source>
      <translation>N° de procédure ou de PV</translation>
    </message>
    <message>
      <source>Requesting OPJ (name)</source>
      <translation>OPJ requérant (nom)</translation>
    </message>
    <message>
      <source>Rank</source>
      <translation>Grade</translation>
    </message>
    <message>
      <source>Service</source>
      <translation>Service</translation>
    </message>
    <message>
      <source>Date of the requisition</source>
      <translation>Date de la réquisition</translation>
    </message>
    <message>
      <source>Legal basis</source>
      <translation>Base légale</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>Note</translation>
    </message>
    <message>
      <source>Choose…</source>
      <translation>Choisir…</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>Retirer</translation>
    </message>
    <message>
      <source>Total</source>
      <translation>Total</translation>
    </message>
    <message>
      <source>In UTC: from {start} to {end}</source>
      <translation>En UTC : du {start} au {end}</translation>
    </message>
    <message>
      <source>Cameras: tick at least one camera.</source>
      <translation>Caméras : cochez au moins une caméra.</translation>
    </message>
    <message>
      <source>End: the end of the period must follow its start.</source>
      <translation>Fin : la fin de la période doit suivre son début.</translation>
    </message>
    <message>
      <source>End: 24 hours at most per extraction.</source>
      <translation>Fin : 24 heures au plus par extraction.</translation>
    </message>
    <message>
      <source>Procedure or PV number: required.</source>
      <translation>N° de procédure ou de PV : obligatoire.</translation>
    </message>
    <message>
      <source>Requesting OPJ (name): required.</source>
      <translation>OPJ requérant (nom) : obligatoire.</translation>
    </message>
    <message>
      <source>Rank: required.</source>
      <translation>Grade : obligatoire.</translation>
    </message>
    <message>
      <source>Service: required.</source>
      <translation>Service : obligatoire.</translation>
    </message>
    <message>
      <source>Date of the requisition: it cannot be in the future.</source>
      <translation>Date de la réquisition : elle ne peut pas être dans le futur.</translation>
    </message>
    <message>
      <source>Destination folder: required.</source>
      <translation>Dossier de destination : obligatoire.</translation>
    </message>
    <message>
      <source>Scanned requisition: a PDF or an image is expected.</source>
      <translation>Réquisition scannée : un PDF ou une image est attendu.</translation>
    </message>
    <message>
      <source>Stopping the extraction…</source>
      <translation>Arrêt de l'extraction…</translation>
    </message>
    <message>
      <source>Speed: ×{speed:.1f} real time — about {left} s left</source>
      <translation>Vitesse : ×{speed:.1f} le temps réel — reste environ {left} s</translation>
    </message>
    <message>
      <source>Extraction {reference} delivered in {folder}. Fingerprint of the signing key: {fingerprint}</source>
      <translation>Extraction {reference} livrée dans {folder}. Empreinte de la clé de signature : {fingerprint}</translation>
    </message>
    <message>
      <source>Extraction cancelled: no folder was left in the destination.</source>
      <translation>Extraction annulée : aucun dossier n'a été laissé dans la destination.</translation>
    </message>
  </context>
  <context>
    <name>ExportFeatures</name>
    <message>
      <source>E&amp;xtraction for a requisition…</source>
      <translation>E&amp;xtraction pour réquisition…</translation>
    </message>
    <message>
      <source>&amp;Register of extractions…</source>
      <translation>&amp;Registre des extractions…</translation>
    </message>
    <message>
      <source>Extract for a requisition…</source>
      <translation>Extraire pour réquisition…</translation>
    </message>
    <message>
      <source>Choose a bookmark in the list first.</source>
      <translation>Choisissez d'abord un signet dans la liste.</translation>
    </message>
    <message>
      <source>Extract…</source>
      <translation>Extraire…</translation>
    </message>
    <message>
      <source>Extraction for a requisition from this bookmark</source>
      <translation>Extraction pour réquisition à partir de ce signet</translation>
    </message>
    <message>
      <source>Extraction for a requisition…</source>
      <translation>Extraction pour réquisition…</translation>
    </message>
  </context>
  <context>
    <name>HandOverForm</name>
    <message>
      <source>Hand-over of extraction {reference}</source>
      <translation>Remise de l'extraction {reference}</translation>
    </message>
    <message>
      <source>e.g. USB key n° 12, DVD, secure transfer</source>
      <translation>p. ex. clé USB n° 12, DVD, transfert sécurisé</translation>
    </message>
    <message>
      <source>Handed to (name)</source>
      <translation>Remise à (nom)</translation>
    </message>
    <message>
      <source>Their service</source>
      <translation>Son service</translation>
    </message>
    <message>
      <source>Medium</source>
      <translation>Support</translation>
    </message>
  </context>
  <context>
    <name>RegisterDialog</name>
    <message>
      <source>Export the register</source>
      <translation>Exporter le registre</translation>
    </message>
    <message>
      <source>Register of extractions</source>
      <translation>Registre des extractions</translation>
    </message>
    <message>
      <source>All communes</source>
      <translation>Toutes les communes</translation>
    </message>
    <message>
      <source>Reference</source>
      <translation>Référence</translation>
    </message>
    <message>
      <source>State</source>
      <translation>État</translation>
    </message>
    <message>
      <source>Commune</source>
      <translation>Commune</translation>
    </message>
    <message>
      <source>Procedure</source>
      <translation>Procédure</translation>
    </message>
    <message>
      <source>OPJ</source>
      <translation>OPJ</translation>
    </message>
    <message>
      <source>Period (Paris)</source>
      <translation>Période (Paris)</translation>
    </message>
    <message>
      <source>Operator</source>
      <translation>Opérateur</translation>
    </message>
    <message>
      <source>Cameras</source>
      <translation>Caméras</translation>
    </message>
    <message>
      <source>Manifest SHA-256</source>
      <translation>SHA-256 du manifeste</translation>
    </message>
    <message>
      <source>Signing key</source>
      <translation>Clé de signature</translation>
    </message>
    <message>
      <source>Hand-over</source>
      <translation>Remise</translation>
    </message>
    <message>
      <source>Bookmarks</source>
      <translation>Signets</translation>
    </message>
    <message>
      <source>Hand-over…</source>
      <translation>Remise…</translation>
    </message>
    <message>
      <source>Export the register (CSV)…</source>
      <translation>Exporter le registre (CSV)…</translation>
    </message>
    <message>
      <source>Export the register (PDF)…</source>
      <translation>Exporter le registre (PDF)…</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Fermer</translation>
    </message>
    <message>
      <source>{to} ({service}), {medium}, {at}</source>
      <translation>{to} ({service}), {medium}, {at}</translation>
    </message>
    <message>
      <source>not handed over</source>
      <translation>non remise</translation>
    </message>
    <message>
      <source> — workstation copy deleted</source>
      <translation> — copie du poste effacée</translation>
    </message>
    <message>
      <source>Choose an extraction in the list first.</source>
      <translation>Choisissez d'abord une extraction dans la liste.</translation>
    </message>
    <message>
      <source>Hand-over of extraction {reference} recorded.</source>
      <translation>Remise de l'extraction {reference} enregistrée.</translation>
    </message>
    <message>
      <source>The register could not be written to {path}: {reason}</source>
      <translation>Le registre n'a pas pu être écrit dans {path} : {reason}</translation>
    </message>
    <message>
      <source>Register written to {path}.</source>
      <translation>Registre écrit dans {path}.</translation>
    </message>
  </context>
</TS>
